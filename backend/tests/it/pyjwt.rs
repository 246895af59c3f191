//! Tokens we issue verify with an independent implementation: PyJWT (Debian's python3-jwt, installed
//! by `cargo xtask setup --tests`), with the algorithm, audience and issuer pinned, and `exp` required.

use std::process::Command;

use cnt_backend::auth::Auth;
use cnt_model::ids::UserId;

const PYTHON: &str = "/usr/bin/python3";

const CHECK: &str = r#"
import jwt, sys, json
secret = bytes.fromhex(sys.argv[1])
claims = jwt.decode(sys.argv[2], secret, algorithms=["HS256"], audience="cnt", issuer="cnt-server",
                    options={"require": ["exp", "iat", "sub", "iss", "aud"]})
print(json.dumps(claims))
"#;

#[test]
fn pyjwt_accepts_our_tokens_and_refuses_a_tampered_one() {
    let ok = Command::new(PYTHON).args(["-c", "import jwt"]).status();
    assert!(
        ok.is_ok_and(|s| s.success()),
        "PyJWT is missing: run `cargo xtask setup --tests` (Debian package python3-jwt)"
    );
    let secret = [0x5au8; 32];
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let auth = Auth::new(&secret, super::TEST_PASSWORDS).expect("auth");
    let user = UserId::new();
    let (token, _) = auth.issue_access(user, "session-1").expect("token");

    let out = Command::new(PYTHON)
        .args(["-c", CHECK, &hex, &token])
        .output()
        .expect("python");
    assert!(
        out.status.success(),
        "PyJWT refused our token: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let claims: serde_json::Value = serde_json::from_slice(&out.stdout).expect("claims");
    assert_eq!(claims["sub"], user.to_string());
    assert_eq!(claims["sid"], "session-1");
    assert_eq!(
        claims["exp"].as_i64().expect("exp") - claims["iat"].as_i64().expect("iat"),
        900
    );

    // Change a character in the middle of the signature: the last base64url character of a 32-byte
    // MAC carries two unused bits, which lenient decoders (PyJWT's) ignore.
    let mut chars: Vec<char> = token.chars().collect();
    let i = chars.len() - 10;
    chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    let out = Command::new(PYTHON)
        .args(["-c", CHECK, &hex, &tampered])
        .output()
        .expect("python");
    assert!(!out.status.success(), "PyJWT accepted a tampered signature");

    let other = [0x11u8; 32];
    let other_hex: String = other.iter().map(|b| format!("{b:02x}")).collect();
    let out = Command::new(PYTHON)
        .args(["-c", CHECK, &other_hex, &token])
        .output()
        .expect("python");
    assert!(
        !out.status.success(),
        "PyJWT accepted our token under another key"
    );
}

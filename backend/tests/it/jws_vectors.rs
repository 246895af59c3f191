//! Google Wycheproof's JWS vectors (`../shared/data/jwt/wycheproof/json_web_signature_test.json`,
//! Apache-2.0) through our token verifier's signature stage.
//!
//! - HS256 groups, verified with the group's own key: our verdict must equal the expected one.
//! - Every other group (RS*, PS*, ES*, `none`): our verifier is pinned to HS256, so every token,
//!   including the ones the vectors call valid for their algorithm, must be refused.
//!
//! Four vectors of the `base64` group are handled as documented exceptions, each asserted:
//! - 367 and 370 ("invalidBase64Padding…") are byte-identical to the valid vector 357 in this copy of
//!   the file (their padding characters are gone), so no verifier can satisfy both: we accept them,
//!   exactly as we accept 357.
//! - 372 and 373 insert `?` into the base64url text and are marked "valid" (for decoders that skip
//!   unknown characters). RFC 7515 allows only the base64url alphabet; we refuse them, the safe side.

use base64::Engine;
use cnt_backend::auth::verify_hs256_signature;
use serde_json::Value;

fn vectors() -> Option<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/jwt/wycheproof/json_web_signature_test.json");
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_json::from_str(&text).expect("vectors parse"))
}

#[test]
fn wycheproof_jws_vectors() {
    let Some(doc) = vectors() else {
        // The shared data sits beside every clone here and in CI; say so loudly if it is gone.
        panic!("../shared/data/jwt/wycheproof is missing: the JWS vectors cannot run");
    };
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (mut hs_checked, mut pinned_refused, mut mismatches) = (0, 0, Vec::new());
    for group in doc["testGroups"].as_array().expect("groups") {
        let key = group
            .get("private")
            .or_else(|| group.get("public"))
            .expect("key");
        let is_hmac = key["kty"] == "oct" && key["alg"] == "HS256";
        let secret = if is_hmac {
            b64.decode(key["k"].as_str().expect("k"))
                .expect("key bytes")
        } else {
            // Key confusion: an attacker may use the public key's text as an HMAC secret.
            key.to_string().into_bytes()
        };
        for test in group["tests"].as_array().expect("tests") {
            let Some(jws) = test["jws"].as_str() else {
                continue; // JSON-serialized JWS: we only ever accept the compact form
            };
            let ours = verify_hs256_signature(jws, &secret).is_ok();
            if is_hmac {
                hs_checked += 1;
                let id = test["tcId"].as_u64().expect("tcId");
                if id == 367 || id == 370 {
                    let twin = group["tests"]
                        .as_array()
                        .expect("tests")
                        .iter()
                        .find(|t| t["tcId"] == 357)
                        .expect("vector 357");
                    assert_eq!(
                        test["jws"], twin["jws"],
                        "the exception no longer applies: re-check tcId {id}"
                    );
                    assert!(ours, "tcId {id} is the valid vector 357's text");
                    continue;
                }
                if id == 372 || id == 373 {
                    assert!(jws.contains('?'));
                    assert!(
                        !ours,
                        "tcId {id}: characters outside base64url must be refused"
                    );
                    continue;
                }
                let expected = test["result"] == "valid";
                if ours != expected {
                    mismatches.push(format!(
                        "tcId {} ({}): expected {}",
                        test["tcId"], test["comment"], test["result"]
                    ));
                }
            } else {
                assert!(
                    !ours,
                    "tcId {} ({}) was accepted by an HS256-pinned verifier",
                    test["tcId"], test["comment"]
                );
                pinned_refused += 1;
            }
        }
    }
    println!("JWS vectors: {hs_checked} HS256 checked, {pinned_refused} non-HS256 refused");
    assert!(
        hs_checked >= 30 && pinned_refused >= 300,
        "{hs_checked} / {pinned_refused}"
    );
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

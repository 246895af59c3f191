//! Position keys for ordered lists that two devices edit offline (playlist entries).
//!
//! A key is a base-62 fraction (`0-9A-Za-z`, compared as bytes) that never ends in `0`, so a key
//! strictly between any two keys always exists: moving or inserting an entry changes only that
//! entry. Two devices inserting at the same place offline may pick the same key; entries sort by
//! `(position, id)`, so both survive in a stable order on every device.

const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn digit(c: u8) -> usize {
    DIGITS.iter().position(|d| *d == c).unwrap_or(0)
}

/// Whether `key` is a well-formed position key.
pub fn is_valid(key: &str) -> bool {
    !key.is_empty() && !key.ends_with('0') && key.bytes().all(|b| DIGITS.contains(&b))
}

/// A key strictly between `before` and `after` (`None` = the start / the end of the list).
/// Callers pass neighbours in order (`before < after`); out-of-order or invalid neighbours give a key
/// after `before` alone.
pub fn between(before: Option<&str>, after: Option<&str>) -> String {
    let a = before.filter(|k| is_valid(k)).unwrap_or("");
    let b = after.filter(|k| is_valid(k) && a < *k);
    match b {
        None if !a.is_empty() => increment(a),
        _ => midpoint(a.as_bytes(), b.map(str::as_bytes)),
    }
}

/// A key after `a`, growing slowly when appending again and again.
fn increment(a: &str) -> String {
    let bytes = a.as_bytes();
    for (i, c) in bytes.iter().enumerate() {
        let d = digit(*c);
        if d + 1 < DIGITS.len() {
            let mut out = bytes[..i].to_vec();
            out.push(DIGITS[d + 1]);
            return String::from_utf8_lossy(&out).into_owned();
        }
    }
    let mut out = a.to_owned();
    out.push(DIGITS[DIGITS.len() / 2] as char);
    out
}

/// Midpoint of fractions `a` (may be empty = 0) and `b` (`None` = 1), with `a < b`.
fn midpoint(a: &[u8], b: Option<&[u8]>) -> String {
    if let Some(b) = b {
        // Shared prefix (a padded with zeros).
        let mut n = 0;
        while n < b.len() && a.get(n).copied().unwrap_or(b'0') == b[n] {
            n += 1;
        }
        if n > 0 {
            let mut out = String::from_utf8_lossy(&b[..n]).into_owned();
            let rest_a = if n < a.len() { &a[n..] } else { &[][..] };
            out.push_str(&midpoint(rest_a, Some(&b[n..])));
            return out;
        }
    }
    let da = a.first().map_or(0, |c| digit(*c));
    let db = b
        .and_then(|b| b.first())
        .map_or(DIGITS.len(), |c| digit(*c));
    if db - da > 1 {
        return (DIGITS[(da + db).div_ceil(2)] as char).to_string();
    }
    // Adjacent digits.
    if let Some(b) = b
        && b.len() > 1
    {
        return (b[0] as char).to_string();
    }
    let mut out = (DIGITS[da] as char).to_string();
    out.push_str(&midpoint(if a.is_empty() { a } else { &a[1..] }, None));
    out
}

/// `n` evenly spread keys, for numbering a list afresh.
pub fn spread(n: usize) -> Vec<String> {
    let mut keys = Vec::with_capacity(n);
    let mut last: Option<String> = None;
    for _ in 0..n {
        let k = between(last.as_deref(), None);
        keys.push(k.clone());
        last = Some(k);
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: Option<&str>, b: Option<&str>) -> String {
        let k = between(a, b);
        assert!(is_valid(&k), "{k:?} from {a:?} {b:?}");
        if let Some(a) = a {
            assert!(a < k.as_str(), "{a:?} < {k:?}");
        }
        if let Some(b) = b {
            assert!(k.as_str() < b, "{k:?} < {b:?}");
        }
        k
    }

    #[test]
    fn keys_fall_strictly_between_their_neighbours() {
        let first = check(None, None);
        let after = check(Some(&first), None);
        let mid = check(Some(&first), Some(&after));
        check(Some(&first), Some(&mid));
        check(Some(&mid), Some(&after));
        check(None, Some(&first));
        check(Some("1"), Some("2"));
        check(Some("z"), None);
        check(Some("zz"), None);
        check(None, Some("01"));
        check(Some("0V"), Some("1"));
    }

    #[test]
    fn inserting_at_the_front_and_the_middle_thousands_of_times_stays_ordered() {
        // Always insert right after the first entry: the worst case for key length.
        let mut keys = vec![between(None, None)];
        let mut x = 12345u64;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = (x % keys.len() as u64) as usize;
            let before = (i > 0).then(|| keys[i - 1].clone());
            let k = check(before.as_deref(), Some(&keys[i]));
            keys.insert(i, k);
        }
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(sorted, keys);
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len());
    }

    #[test]
    fn appending_grows_keys_slowly() {
        let keys = spread(1000);
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        let longest = keys.iter().map(String::len).max().unwrap_or(0);
        assert!(longest <= 40, "{longest}");
    }

    #[test]
    fn invalid_neighbours_do_not_break_ordering() {
        let k = between(Some("a!"), Some("b"));
        assert!(is_valid(&k));
        let k = between(Some("b"), Some("a"));
        assert!(k.as_str() > "b");
    }
}

//! LRC lyrics: `[mm:ss.xx]line`, metadata tags, `[offset:±ms]`, several stamps per line, and enhanced
//! (A2) word timing `<mm:ss.xx>word`.
//!
//! Lenient by design, as files in the wild are: UTF-8 (with or without BOM) and UTF-16 with a BOM,
//! CRLF, 1–3 digit fractions, `mm:ss:xx`, minutes above 59; lines that cannot be read (bad stamps,
//! negative times, seconds above 59) are skipped, never a panic. Times are milliseconds and already
//! corrected by the offset: `shown_at = stamp − offset` (a positive offset shows lines earlier).

/// One timed word of an enhanced line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LrcWord {
    /// When the word starts, in ms.
    pub at_ms: u64,
    /// The word (trimmed).
    pub text: String,
}

/// One timed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LrcLine {
    /// When the line is shown, in ms (offset applied).
    pub at_ms: u64,
    /// The text; empty for a timed blank line (which clears the display).
    pub text: String,
    /// Enhanced word timing, empty when the line has none.
    pub words: Vec<LrcWord>,
    /// The closing word stamp (`<mm:ss.xx>` with no word after it), when present.
    pub end_ms: Option<u64>,
}

/// A parsed LRC file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lrc {
    /// Metadata tags in file order (`ti`, `ar`, `al`, `length`, …), keys lower-cased.
    pub tags: Vec<(String, String)>,
    /// The `[offset:]` in ms (0 when absent or unreadable).
    pub offset_ms: i64,
    /// Timed lines sorted by time; lines sharing a time keep their file order.
    pub lines: Vec<LrcLine>,
}

impl Lrc {
    /// Parses raw bytes: detects UTF-8 / UTF-16 byte-order marks, falls back to lossy UTF-8.
    pub fn parse_bytes(bytes: &[u8]) -> Lrc {
        Lrc::parse(&decode_text(bytes))
    }

    /// Parses text.
    pub fn parse(text: &str) -> Lrc {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lrc = Lrc::default();
        // (stamp, order, text) before the offset is known: the offset tag may come after lines.
        let mut raw: Vec<(u64, String)> = Vec::new();
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            let mut rest = line.trim_start();
            let mut stamps = Vec::new();
            let mut bad = false;
            while let Some(inner) = rest.strip_prefix('[') {
                let Some(close) = inner.find(']') else {
                    bad = true;
                    break;
                };
                let content = &inner[..close];
                match parse_stamp(content) {
                    Some(ms) => stamps.push(ms),
                    None if stamps.is_empty() && looks_like_stamp(content) => {
                        bad = true;
                        break;
                    }
                    None if stamps.is_empty() => {
                        if let Some((k, v)) = content.split_once(':') {
                            let key = k.trim().to_ascii_lowercase();
                            if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic()) {
                                let value = v.trim().to_string();
                                if key == "offset"
                                    && let Ok(o) = value.trim_start_matches('+').parse::<i64>()
                                {
                                    lrc.offset_ms = o;
                                }
                                lrc.tags.push((key, value));
                            }
                        }
                        bad = true; // a tag line carries no lyric
                        break;
                    }
                    None => break,
                }
                rest = &inner[close + 1..];
            }
            if bad || stamps.is_empty() {
                continue;
            }
            for s in stamps {
                raw.push((s, rest.to_string()));
            }
        }
        let offset = lrc.offset_ms;
        let shift = |ms: u64| -> u64 { (ms as i64 - offset).max(0) as u64 };
        lrc.lines = raw
            .into_iter()
            .map(|(at, body)| {
                let (text, words, end) = parse_words(&body);
                LrcLine {
                    at_ms: shift(at),
                    text,
                    words: words
                        .into_iter()
                        .map(|w| LrcWord {
                            at_ms: shift(w.at_ms),
                            text: w.text,
                        })
                        .collect(),
                    end_ms: end.map(shift),
                }
            })
            .collect();
        // Stable: translations sharing a stamp stay in file order.
        lrc.lines.sort_by_key(|l| l.at_ms);
        lrc
    }

    /// A tag's value by key (case-insensitive).
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

fn decode_text(bytes: &[u8]) -> String {
    let utf16 = |b: &[u8], le: bool| -> String {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    match bytes {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn looks_like_stamp(s: &str) -> bool {
    let s = s.trim_start_matches('-');
    s.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// `m:ss`, `m:ss.f`, `m:ss.ff`, `m:ss.fff`, `m:ss:ff` → ms. Seconds must be 0–59.
fn parse_stamp(s: &str) -> Option<u64> {
    let (min, rest) = s.split_once(':')?;
    if min.is_empty() || !min.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (sec, frac) = match rest.split_once(['.', ':']) {
        Some((s, f)) => (s, Some(f)),
        None => (rest, None),
    };
    if sec.is_empty() || sec.len() > 2 || !sec.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let sec: u64 = sec.parse().ok()?;
    if sec > 59 {
        return None;
    }
    let frac_ms = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 3 && f.chars().all(|c| c.is_ascii_digit()) => {
            let v: u64 = f.parse().ok()?;
            v * 10u64.pow(3 - f.len() as u32)
        }
        Some(_) => return None,
    };
    let min: u64 = min.parse().ok()?;
    min.checked_mul(60_000)?.checked_add(sec * 1000 + frac_ms)
}

/// Splits `<t>word <t>word <t>` into plain text, words and the closing stamp.
fn parse_words(body: &str) -> (String, Vec<LrcWord>, Option<u64>) {
    if !body.contains('<') {
        return (body.trim().to_string(), Vec::new(), None);
    }
    let mut words = Vec::new();
    let mut end = None;
    let mut rest = body;
    let mut plain = String::new();
    loop {
        match rest.find('<') {
            Some(open) => {
                plain.push_str(&rest[..open]);
                let after = &rest[open + 1..];
                let Some(close) = after.find('>') else {
                    plain.push_str(&rest[open..]);
                    break;
                };
                let stamp = parse_stamp(&after[..close]);
                let tail = &after[close + 1..];
                let next = tail.find('<').unwrap_or(tail.len());
                let word = tail[..next].trim();
                match stamp {
                    Some(at) if word.is_empty() => end = Some(at),
                    Some(at) => words.push(LrcWord {
                        at_ms: at,
                        text: word.to_string(),
                    }),
                    None => plain.push_str(&rest[open..open + 1 + close + 1]),
                }
                if stamp.is_some() {
                    plain.push_str(&tail[..next]);
                }
                rest = &tail[next..];
            }
            None => {
                plain.push_str(rest);
                break;
            }
        }
    }
    let text = if words.is_empty() {
        plain.trim().to_string()
    } else {
        words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    (text, words, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps() {
        assert_eq!(parse_stamp("00:01"), Some(1000));
        assert_eq!(parse_stamp("00:02.5"), Some(2500));
        assert_eq!(parse_stamp("00:06:50"), Some(6500));
        assert_eq!(parse_stamp("100:00.00"), Some(6_000_000));
        assert_eq!(parse_stamp("00:61.00"), None);
        assert_eq!(parse_stamp("-00:01.00"), None);
        assert_eq!(parse_stamp("aa:bb.cc"), None);
        assert_eq!(parse_stamp(":"), None);
    }
}

//! What the log keeps of a body: request and response bodies alike are
//! stored up to a cap, with a marker where they were cut.

/// Bodies stored for the log are cut here.
pub const BODY_CAP: usize = 1024 * 1024;
pub const CUT_MARKER: &str = "\n…[cut by Chime at 1 MiB]";

/// Caps a body for storage, marking where it was cut.
pub fn cap_body(bytes: &[u8], more_followed: bool) -> (String, bool) {
    let cut = more_followed || bytes.len() > BODY_CAP;
    let kept = &bytes[..bytes.len().min(BODY_CAP)];
    let mut text = String::from_utf8_lossy(kept).into_owned();
    if cut {
        text.push_str(CUT_MARKER);
    }
    (text, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_over_the_cap_are_cut_with_a_marker() {
        let big = vec![b'a'; BODY_CAP + 10];
        let (text, cut) = cap_body(&big, false);
        assert!(cut);
        assert!(text.ends_with(CUT_MARKER));
        assert_eq!(text.len(), BODY_CAP + CUT_MARKER.len());
        assert_eq!(cap_body(b"ok", false), ("ok".to_string(), false));
    }
}

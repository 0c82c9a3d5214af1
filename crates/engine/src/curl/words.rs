//! Splitting a pasted command into words, as POSIX sh does and, for a
//! Windows "Copy as cURL (cmd)", as cmd.exe does. Nothing is expanded or run.

use std::iter::Peekable;
use std::str::Chars;

use super::CurlError;

// ---------------------------------------------------------------- words (POSIX sh)

pub(super) fn split_shell_words(text: &str) -> Result<Vec<String>, CurlError> {
    let mut words = Vec::new();
    let mut word = String::new();
    // A word can be empty (`''`), so "inside a word" is tracked apart from its text.
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '#' if !in_word => skip_line(&mut chars),
            '\\' => {
                if let Some(escaped) = backslash_outside_quotes(&mut chars) {
                    word.push(escaped);
                    in_word = true;
                }
            }
            '\'' => {
                read_single_quoted(&mut chars, &mut word)?;
                in_word = true;
            }
            '"' => {
                read_double_quoted(&mut chars, &mut word)?;
                in_word = true;
            }
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                read_ansi_c_quoted(&mut chars, &mut word)?;
                in_word = true;
            }
            other => {
                word.push(other);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

pub(super) fn skip_line(chars: &mut Peekable<Chars>) {
    for c in chars.by_ref() {
        if c == '\n' {
            break;
        }
    }
}

/// The character a backslash escapes, or `None` for a line continuation (also `\` + CRLF)
/// or a trailing backslash (a paste cut short; nothing is lost by dropping it).
pub(super) fn backslash_outside_quotes(chars: &mut Peekable<Chars>) -> Option<char> {
    match chars.next() {
        Some('\n') | None => None,
        Some('\r') if chars.peek() == Some(&'\n') => {
            chars.next();
            None
        }
        Some(escaped) => Some(escaped),
    }
}

pub(super) fn read_single_quoted(
    chars: &mut Peekable<Chars>,
    word: &mut String,
) -> Result<(), CurlError> {
    for c in chars.by_ref() {
        if c == '\'' {
            return Ok(());
        }
        word.push(c);
    }
    Err(CurlError::Unclosed("single quote"))
}

pub(super) fn read_double_quoted(
    chars: &mut Peekable<Chars>,
    word: &mut String,
) -> Result<(), CurlError> {
    const UNCLOSED: CurlError = CurlError::Unclosed("double quote");
    loop {
        match chars.next().ok_or(UNCLOSED)? {
            '"' => return Ok(()),
            '\\' => match chars.next().ok_or(UNCLOSED)? {
                '\n' => {}
                '\r' if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                c @ ('"' | '\\' | '$' | '`') => word.push(c),
                c => {
                    word.push('\\');
                    word.push(c);
                }
            },
            c => word.push(c),
        }
    }
}

/// `$'...'`: collected as bytes because `\xHH` escapes spell UTF-8 one byte at a time.
pub(super) fn read_ansi_c_quoted(
    chars: &mut Peekable<Chars>,
    word: &mut String,
) -> Result<(), CurlError> {
    const UNCLOSED: CurlError = CurlError::Unclosed("$'...' quote");
    let mut bytes = Vec::new();
    loop {
        match chars.next().ok_or(UNCLOSED)? {
            '\'' => break,
            '\\' => {
                let escape = chars.next().ok_or(UNCLOSED)?;
                ansi_c_escape(escape, chars, &mut bytes);
            }
            c => push_char(&mut bytes, c),
        }
    }
    word.push_str(&String::from_utf8_lossy(&bytes));
    Ok(())
}

pub(super) fn ansi_c_escape(escape: char, chars: &mut Peekable<Chars>, bytes: &mut Vec<u8>) {
    let simple = match escape {
        'n' => b'\n',
        't' => b'\t',
        'r' => b'\r',
        'a' => 0x07,
        'b' => 0x08,
        'e' | 'E' => 0x1b,
        'f' => 0x0c,
        'v' => 0x0b,
        '\\' | '\'' | '"' | '?' => escape as u8,
        _ => return ansi_c_numeric(escape, chars, bytes),
    };
    bytes.push(simple);
}

pub(super) fn ansi_c_numeric(escape: char, chars: &mut Peekable<Chars>, bytes: &mut Vec<u8>) {
    let (radix, max, start) = match (escape, escape.to_digit(8)) {
        ('x', _) => (16, 2, None),
        ('u', _) => (16, 4, None),
        ('U', _) => (16, 8, None),
        (_, Some(first)) => (8, 2, Some(first)),
        (_, None) => (8, 0, None),
    };
    match read_digits(chars, radix, max, start) {
        Some(n) if matches!(escape, 'u' | 'U') => {
            push_char(
                bytes,
                char::from_u32(n).unwrap_or(char::REPLACEMENT_CHARACTER),
            );
        }
        // `\xHH` and octal spell one byte each.
        Some(n) => bytes.push((n & 0xff) as u8),
        // Bash keeps unknown escapes, and `\x` without digits, as written.
        None => {
            bytes.push(b'\\');
            push_char(bytes, escape);
        }
    }
}

/// Reads up to `max` more digits in `radix` after `start`; `None` when there is none at all.
pub(super) fn read_digits(
    chars: &mut Peekable<Chars>,
    radix: u32,
    max: usize,
    start: Option<u32>,
) -> Option<u32> {
    let mut value = start;
    for _ in 0..max {
        let Some(digit) = chars.peek().and_then(|c| c.to_digit(radix)) else {
            break;
        };
        chars.next();
        value = Some(value.unwrap_or(0) * radix + digit);
    }
    value
}

pub(super) fn push_char(bytes: &mut Vec<u8>, c: char) {
    bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

// ---------------------------------------------------------------- words (Windows cmd)

/// Browsers' "Copy as cURL (cmd)" always puts a `^"`-quoted URL right after `curl`; a POSIX
/// command never starts that way, so this is the only case read with cmd rules.
pub(super) fn is_cmd_style(text: &str) -> bool {
    let rest = text.trim_start().strip_prefix("curl").unwrap_or_default();
    rest.starts_with([' ', '\t']) && rest.trim_start().starts_with("^\"")
}

/// Two layers, as on Windows: cmd.exe drops carets, then the C runtime splits the words.
pub(super) fn split_cmd_words(text: &str) -> Result<Vec<String>, CurlError> {
    let line = strip_carets(text);
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut in_word, mut quoted) = (false, false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Browsers write `\` as `\\` and `"` as `\"` everywhere; undo exactly that.
            '\\' => match chars.next_if(|next| *next == '"' || *next == '\\') {
                Some(escaped) => word.push(escaped),
                None => word.push('\\'),
            },
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
                continue;
            }
            c => word.push(c),
        }
        in_word = true;
    }
    if quoted {
        return Err(CurlError::Unclosed("double quote"));
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// cmd.exe's layer: `^` escapes the next character, `^` + line break joins two lines, and
/// carets inside a plain `"..."` are literal.
pub(super) fn strip_carets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '^' if !quoted => match chars.next() {
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some('\n') | None => {}
                Some(escaped) => out.push(escaped),
            },
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

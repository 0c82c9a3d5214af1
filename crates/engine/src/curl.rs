//! Curl commands ⇄ job drafts.
//!
//! [`parse`] reads a curl command line, as pasted from a terminal, API docs or a browser's
//! "Copy as cURL", into the request fields of a job. [`to_curl`] prints those fields as a
//! command that curl runs and that [`parse`] reads back unchanged.
//!
//! # The JSON Content-Type rule
//! Chime sends a JSON body (any body that is not a JSON string) as `application/json` on its
//! own, so a job does not keep that header:
//! - `parse` drops a `Content-Type` header whose value is exactly `application/json` (any
//!   case) when the body is JSON. Other values (`application/json; charset=utf-8`,
//!   `application/vnd.api+json`) are kept: they say something Chime would not.
//! - `to_curl` prints `-H 'Content-Type: application/json'` for a JSON body that has no
//!   Content-Type header, so the printed command sends what Chime sends.
//!
//! Together these make `parse(&to_curl(&r)) == Ok(r)` for every `r` that `parse` returns,
//! header order included. (A job written by hand can differ: a string body without a
//! Content-Type comes back with curl's `application/x-www-form-urlencoded`.)
//!
//! # Reading commands
//! Words split as POSIX sh does (quotes, `$'...'`, backslashes, `\` + newline, `#` comments),
//! but nothing is expanded or run: `$VAR` and `` `cmd` `` stay as written. A command that
//! starts `curl ^"` is a Windows "Copy as cURL (cmd)" and is read with cmd.exe's rules.
//! JSON bodies go through `serde_json`, so a number beyond `u64`/`f64` precision is rounded.

use base64::Engine as _;
use serde_json::{Map, Value};
use std::iter::Peekable;
use std::str::Chars;

/// A request as a job describes it (the subset of a job's fields that curl can express).
#[derive(Debug, Clone, PartialEq)]
pub struct CurlRequest {
    /// Lowercase: get, post, put, patch or delete.
    pub method: String,
    /// Without the query string or fragment.
    pub url: String,
    /// Strings, or arrays of strings when a key repeats.
    pub query: Map<String, Value>,
    /// Strings; names as the user wrote them.
    pub headers: Map<String, Value>,
    /// JSON when the body is JSON, else a JSON string holding the raw text.
    pub body: Option<Value>,
}

/// Why a command can't become a job, worded for the person who pasted it.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CurlError {
    #[error("the command is empty; paste a curl command")]
    Empty,
    #[error("not a curl command: it starts with `{0}` instead of `curl`; expected curl, its options and the URL, such as curl -X POST https://example.com/hook -d 'a=1'")]
    NotCurl(String),
    #[error("unclosed {0}")]
    Unclosed(&'static str),
    #[error("{0} needs a value")]
    MissingValue(String),
    #[error("unknown option {0}")]
    UnknownOption(String),
    #[error("option {0} is not supported")]
    Unsupported(String),
    #[error("multipart form uploads ({0}) are not supported; send the fields with -d or --json")]
    Multipart(String),
    #[error("{option} reads the file `{file}`, which a job can't do; paste the content instead")]
    FileInput { option: String, file: String },
    #[error("the URL is missing")]
    MissingUrl,
    #[error("unexpected argument `{0}` after the URL; a job sends one request to one URL")]
    ExtraArgument(String),
    #[error("URL scheme `{0}` is not supported; use http or https")]
    Scheme(String),
    #[error("method {0} is not supported; Chime sends GET, POST, PUT, PATCH and DELETE")]
    Method(String),
    #[error("header `{0}` has no colon; write it as 'Name: value'")]
    BadHeader(String),
    #[error("{0} needs user:password (curl would prompt for the password)")]
    NoPassword(String),
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
const CONTENT_TYPE: &str = "Content-Type";
const JSON_TYPE: &str = "application/json";
const FORM_TYPE: &str = "application/x-www-form-urlencoded";

/// Parses a curl command line into a job's request fields.
pub fn parse(command: &str) -> Result<CurlRequest, CurlError> {
    let words = if is_cmd_style(command) {
        split_cmd_words(command)?
    } else {
        split_shell_words(command)?
    };
    let mut words = words.into_iter();
    check_program(words.next())?;
    let mut draft = Draft::default();
    while let Some(word) = words.next() {
        draft.read_word(word, &mut words)?;
    }
    draft.into_request()
}

/// Prints a request as a curl command (single-quoted, one `-H` per header).
pub fn to_curl(req: &CurlRequest) -> String {
    let mut parts = vec![command_head(req)];
    parts.extend(
        req.headers
            .iter()
            .map(|(name, value)| header_arg(name, value)),
    );
    if let Some(body) = &req.body {
        if !matches!(body, Value::String(_)) && find_header(&req.headers, CONTENT_TYPE).is_none() {
            parts.push(header_arg(CONTENT_TYPE, &Value::from(JSON_TYPE)));
        }
        parts.push(format!("--data-raw {}", quote(&value_text(body))));
    }
    let separator = if req.headers.len() > 1 || req.body.is_some() {
        " \\\n  "
    } else {
        " "
    };
    parts.join(separator)
}

/// The request as job fields: `{"method","url","query","headers","body"}`, leaving out an
/// empty query, empty headers and an absent body.
pub fn to_json(req: &CurlRequest) -> Value {
    let mut job = Map::new();
    job.insert("method".into(), req.method.clone().into());
    job.insert("url".into(), req.url.clone().into());
    if !req.query.is_empty() {
        job.insert("query".into(), Value::Object(req.query.clone()));
    }
    if !req.headers.is_empty() {
        job.insert("headers".into(), Value::Object(req.headers.clone()));
    }
    if let Some(body) = &req.body {
        job.insert("body".into(), body.clone());
    }
    Value::Object(job)
}

// ---------------------------------------------------------------- words (POSIX sh)

fn split_shell_words(text: &str) -> Result<Vec<String>, CurlError> {
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

fn skip_line(chars: &mut Peekable<Chars>) {
    for c in chars.by_ref() {
        if c == '\n' {
            break;
        }
    }
}

/// The character a backslash escapes, or `None` for a line continuation (also `\` + CRLF)
/// or a trailing backslash (a paste cut short; nothing is lost by dropping it).
fn backslash_outside_quotes(chars: &mut Peekable<Chars>) -> Option<char> {
    match chars.next() {
        Some('\n') | None => None,
        Some('\r') if chars.peek() == Some(&'\n') => {
            chars.next();
            None
        }
        Some(escaped) => Some(escaped),
    }
}

fn read_single_quoted(chars: &mut Peekable<Chars>, word: &mut String) -> Result<(), CurlError> {
    for c in chars.by_ref() {
        if c == '\'' {
            return Ok(());
        }
        word.push(c);
    }
    Err(CurlError::Unclosed("single quote"))
}

fn read_double_quoted(chars: &mut Peekable<Chars>, word: &mut String) -> Result<(), CurlError> {
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
fn read_ansi_c_quoted(chars: &mut Peekable<Chars>, word: &mut String) -> Result<(), CurlError> {
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

fn ansi_c_escape(escape: char, chars: &mut Peekable<Chars>, bytes: &mut Vec<u8>) {
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

fn ansi_c_numeric(escape: char, chars: &mut Peekable<Chars>, bytes: &mut Vec<u8>) {
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
fn read_digits(
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

fn push_char(bytes: &mut Vec<u8>, c: char) {
    bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

// ---------------------------------------------------------------- words (Windows cmd)

/// Browsers' "Copy as cURL (cmd)" always puts a `^"`-quoted URL right after `curl`; a POSIX
/// command never starts that way, so this is the only case read with cmd rules.
fn is_cmd_style(text: &str) -> bool {
    let rest = text.trim_start().strip_prefix("curl").unwrap_or_default();
    rest.starts_with([' ', '\t']) && rest.trim_start().starts_with("^\"")
}

/// Two layers, as on Windows: cmd.exe drops carets, then the C runtime splits the words.
fn split_cmd_words(text: &str) -> Result<Vec<String>, CurlError> {
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
fn strip_carets(text: &str) -> String {
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

// ---------------------------------------------------------------- options

#[derive(Clone, Copy)]
enum Opt {
    Flag(Flag),
    Arg(Arg),
}

#[derive(Clone, Copy)]
enum Flag {
    Get,
    Head,
    Multipart,
    Ignored,
    Unsupported,
}

#[derive(Clone, Copy)]
enum Arg {
    Url,
    Method,
    Header,
    Data(DataKind),
    Json,
    User,
    Bearer,
    UserAgent,
    Referer,
    Cookie,
    Ignored,
}

#[derive(Clone, Copy)]
enum DataKind {
    /// `-d`, `--data-ascii`, `--data-binary`: `@name` reads a file.
    MaybeFile,
    /// `--data-raw`: sent as written, `@` included.
    Raw,
    UrlEncode,
}

/// How curl behaves locally (output, TLS checks, redirects, retries), not what it sends.
const IGNORED_FLAGS: &str = "silent show-error location location-trusted insecure include \
    verbose fail fail-with-body compressed http1.0 http1.1 http2 http2-prior-knowledge http3 \
    globoff no-buffer no-progress-meter progress-bar ipv4 ipv6 basic tcp-nodelay no-keepalive \
    path-as-is remote-name remote-header-name remote-time raw tr-encoding retry-all-errors \
    retry-connrefused create-dirs ssl-no-revoke proxy-insecure disable parallel";
const IGNORED_WITH_VALUE: &str = "max-time connect-timeout output output-dir write-out retry \
    retry-delay retry-max-time max-redirs dump-header cookie-jar trace trace-ascii stderr \
    limit-rate speed-limit speed-time keepalive-time expect100-timeout resolve connect-to \
    interface dns-servers cacert capath ciphers proto proto-redir proto-default local-port";
/// They change the request in ways a job can't express.
const UNSUPPORTED: &str = "upload-file config cert key proxy proxy-user digest ntlm negotiate \
    anyauth aws-sigv4 netrc netrc-file netrc-optional unix-socket abstract-unix-socket range \
    continue-at time-cond";

fn listed(list: &str, name: &str) -> bool {
    list.split_ascii_whitespace().any(|listed| listed == name)
}

fn long_option(name: &str) -> Option<Opt> {
    use Opt::{Arg as A, Flag as F};
    Some(match name {
        "url" => A(Arg::Url),
        "request" => A(Arg::Method),
        "header" => A(Arg::Header),
        "data" | "data-ascii" | "data-binary" => A(Arg::Data(DataKind::MaybeFile)),
        "data-raw" => A(Arg::Data(DataKind::Raw)),
        "data-urlencode" => A(Arg::Data(DataKind::UrlEncode)),
        "json" => A(Arg::Json),
        "user" => A(Arg::User),
        "oauth2-bearer" => A(Arg::Bearer),
        "user-agent" => A(Arg::UserAgent),
        "referer" => A(Arg::Referer),
        "cookie" => A(Arg::Cookie),
        "get" => F(Flag::Get),
        "head" => F(Flag::Head),
        "form" | "form-string" => F(Flag::Multipart),
        _ if listed(IGNORED_FLAGS, name) => F(Flag::Ignored),
        _ if listed(IGNORED_WITH_VALUE, name) => A(Arg::Ignored),
        _ if listed(UNSUPPORTED, name) => F(Flag::Unsupported),
        _ => return None,
    })
}

/// Short letters of the long options above (`-s` is `--silent`, `-m` is `--max-time`...).
fn short_option(letter: char) -> Option<Opt> {
    use Opt::{Arg as A, Flag as F};
    Some(match letter {
        'X' => A(Arg::Method),
        'H' => A(Arg::Header),
        'd' => A(Arg::Data(DataKind::MaybeFile)),
        'u' => A(Arg::User),
        'A' => A(Arg::UserAgent),
        'e' => A(Arg::Referer),
        'b' => A(Arg::Cookie),
        'G' => F(Flag::Get),
        'I' => F(Flag::Head),
        'F' => F(Flag::Multipart),
        _ if "sSLkivfgN046OJR#qZ".contains(letter) => F(Flag::Ignored),
        _ if "mowDcYy".contains(letter) => A(Arg::Ignored),
        _ if "TKExUnrCz".contains(letter) => F(Flag::Unsupported),
        _ => return None,
    })
}

/// What the options said so far.
#[derive(Default)]
struct Draft {
    url: Option<String>,
    method: Option<String>,
    headers: Map<String, Value>,
    /// Headers that curl derives from options (`-u`, `-A`, `--json`...); an explicit `-H`
    /// of the same name wins, as in curl.
    derived: Map<String, Value>,
    data: Option<String>,
    get: bool,
}

impl Draft {
    fn read_word(
        &mut self,
        word: String,
        rest: &mut impl Iterator<Item = String>,
    ) -> Result<(), CurlError> {
        if let Some(long) = word.strip_prefix("--") {
            match long_option(long) {
                Some(Opt::Flag(flag)) => self.apply_flag(flag, &word),
                Some(Opt::Arg(arg)) => {
                    let value = rest
                        .next()
                        .ok_or_else(|| CurlError::MissingValue(word.clone()))?;
                    self.apply_arg(arg, &word, value)
                }
                None => Err(CurlError::UnknownOption(word)),
            }
        } else if let Some(letters) = word.strip_prefix('-').filter(|l| !l.is_empty()) {
            self.read_short_cluster(letters, rest)
        } else {
            self.set_url(word)
        }
    }

    /// `-sSL`, `-XPOST`, `-sd x`: flags combine, and a letter taking a value takes the rest
    /// of the word, or the next word when nothing is left.
    fn read_short_cluster(
        &mut self,
        letters: &str,
        rest: &mut impl Iterator<Item = String>,
    ) -> Result<(), CurlError> {
        for (at, letter) in letters.char_indices() {
            let name = format!("-{letter}");
            match short_option(letter).ok_or_else(|| CurlError::UnknownOption(name.clone()))? {
                Opt::Flag(flag) => self.apply_flag(flag, &name)?,
                Opt::Arg(arg) => {
                    let attached = &letters[at + letter.len_utf8()..];
                    let value = match attached {
                        "" => rest
                            .next()
                            .ok_or_else(|| CurlError::MissingValue(name.clone()))?,
                        _ => attached.to_string(),
                    };
                    return self.apply_arg(arg, &name, value);
                }
            }
        }
        Ok(())
    }

    fn apply_flag(&mut self, flag: Flag, name: &str) -> Result<(), CurlError> {
        match flag {
            Flag::Get => self.get = true,
            Flag::Ignored => {}
            Flag::Head => return Err(CurlError::Method("HEAD".into())),
            Flag::Multipart => return Err(CurlError::Multipart(name.into())),
            Flag::Unsupported => return Err(CurlError::Unsupported(name.into())),
        }
        Ok(())
    }

    fn apply_arg(&mut self, arg: Arg, name: &str, value: String) -> Result<(), CurlError> {
        match arg {
            Arg::Url => return self.set_url(value),
            Arg::Method => self.method = Some(value),
            Arg::Header => {
                if let Some((key, value)) = header_line(name, &value)? {
                    merge_header(&mut self.headers, &key, value);
                }
            }
            Arg::Data(kind) => {
                let piece = data_piece(kind, name, value)?;
                self.push_data(piece, "&");
            }
            // curl joins `--json` pieces with nothing in between, unlike `-d` pieces.
            Arg::Json => {
                let piece = data_piece(DataKind::MaybeFile, name, value)?;
                self.push_data(piece, "");
                self.derive(CONTENT_TYPE, JSON_TYPE.into());
                self.derive("Accept", JSON_TYPE.into());
            }
            Arg::User => self.derive("Authorization", basic_auth(name, &value)?),
            Arg::Bearer => self.derive("Authorization", format!("Bearer {value}")),
            Arg::UserAgent => self.derive("User-Agent", value),
            Arg::Referer => {
                let referer = value.strip_suffix(";auto").unwrap_or(&value);
                self.derive("Referer", referer.to_string());
            }
            Arg::Cookie => {
                // curl reads a -b argument without `=` as the name of a cookie file.
                if !value.contains('=') {
                    return Err(file_input(name, &value));
                }
                merge_header(&mut self.headers, "Cookie", value.trim().to_string());
            }
            Arg::Ignored => {}
        }
        Ok(())
    }

    fn set_url(&mut self, url: String) -> Result<(), CurlError> {
        if self.url.is_some() {
            return Err(CurlError::ExtraArgument(url));
        }
        self.url = Some(url);
        Ok(())
    }

    /// Trimmed like `-H` values; an empty one (`-A ''`) tells curl to send no such header.
    fn derive(&mut self, name: &str, value: String) {
        match value.trim() {
            "" => self.derived.shift_remove(name),
            value => self.derived.insert(name.into(), value.into()),
        };
    }

    fn push_data(&mut self, piece: String, separator: &str) {
        match &mut self.data {
            Some(data) => {
                data.push_str(separator);
                data.push_str(&piece);
            }
            None => self.data = Some(piece),
        }
    }

    fn into_request(self) -> Result<CurlRequest, CurlError> {
        let raw_url = self
            .url
            .filter(|url| !url.is_empty())
            .ok_or(CurlError::MissingUrl)?;
        let mut headers = self.headers;
        for (name, value) in self.derived {
            if find_header(&headers, &name).is_none() {
                headers.insert(name, value);
            }
        }
        // Browsers copy connection-level headers (Connection: keep-alive,
        // Host, ...) that the HTTP client sets itself; a job cannot carry them.
        headers.retain(|name, _| !crate::request::is_reserved_header(name));
        let (url, mut query) = split_url(&raw_url)?;
        // -G sends the data as the query string instead of a body.
        let body_text = match self.data {
            Some(data) if self.get => {
                query = if query.is_empty() {
                    data
                } else {
                    format!("{query}&{data}")
                };
                None
            }
            data => data,
        };
        let method = choose_method(self.method.as_deref(), body_text.is_some())?;
        let body = body_text.map(|text| decide_body(text, &mut headers));
        Ok(CurlRequest {
            method,
            url,
            query: parse_query(&query),
            headers,
            body,
        })
    }
}

fn check_program(first: Option<String>) -> Result<(), CurlError> {
    let first = first.ok_or(CurlError::Empty)?;
    let program = first.rsplit(['/', '\\']).next().unwrap_or_default();
    if program.eq_ignore_ascii_case("curl") || program.eq_ignore_ascii_case("curl.exe") {
        Ok(())
    } else {
        Err(CurlError::NotCurl(first))
    }
}

fn file_input(option: &str, file: &str) -> CurlError {
    CurlError::FileInput {
        option: option.into(),
        file: file.into(),
    }
}

/// `K: V` adds a header, `K;` adds one with an empty value, and `K:` alone (curl's way to
/// drop a header curl itself would add) is ignored, since a job adds no such headers.
fn header_line(option: &str, line: &str) -> Result<Option<(String, String)>, CurlError> {
    // Checked after trimming too, so that no header this returns reads as a file when printed.
    if let Some(file) = line.trim_start().strip_prefix('@') {
        return Err(file_input(option, file));
    }
    let (name, value) = match line.split_once(':') {
        Some((_, value)) if value.trim().is_empty() => return Ok(None),
        Some((name, value)) => (name, value.trim()),
        None => (line.trim().strip_suffix(';').unwrap_or_default(), ""),
    };
    match name.trim() {
        "" => Err(CurlError::BadHeader(line.into())),
        name => Ok(Some((name.into(), value.into()))),
    }
}

/// A repeated header becomes one, its values joined as HTTP allows.
fn merge_header(headers: &mut Map<String, Value>, name: &str, value: String) {
    let separator = if name.eq_ignore_ascii_case("cookie") {
        "; "
    } else {
        ", "
    };
    let existing = find_header(headers, name).and_then(|key| headers.get_mut(&key));
    match existing {
        Some(Value::String(old)) if !old.is_empty() => {
            old.push_str(separator);
            old.push_str(&value);
        }
        Some(old) => *old = value.into(),
        None => {
            headers.insert(name.into(), value.into());
        }
    }
}

fn find_header(headers: &Map<String, Value>, name: &str) -> Option<String> {
    headers
        .keys()
        .find(|key| key.eq_ignore_ascii_case(name))
        .cloned()
}

fn data_piece(kind: DataKind, option: &str, value: String) -> Result<String, CurlError> {
    match kind {
        DataKind::Raw => Ok(value),
        DataKind::MaybeFile => match value.strip_prefix('@') {
            Some(file) => Err(file_input(option, file)),
            None => Ok(value),
        },
        DataKind::UrlEncode => url_encoded_piece(option, &value),
    }
}

/// curl's `--data-urlencode` forms: `name=content`, `=content` and `content` encode the
/// content (spaces as `+`, as curl does since 7.86); `name@file` and `@file` read a file.
fn url_encoded_piece(option: &str, arg: &str) -> Result<String, CurlError> {
    let encode = |text: &str| percent_encode(text).replace("%20", "+");
    if let Some((name, content)) = arg.split_once('=') {
        let content = encode(content);
        return Ok(if name.is_empty() {
            content
        } else {
            format!("{name}={content}")
        });
    }
    match arg.split_once('@') {
        Some((_, file)) => Err(file_input(option, file)),
        None => Ok(encode(arg)),
    }
}

fn basic_auth(option: &str, credentials: &str) -> Result<String, CurlError> {
    if !credentials.contains(':') {
        return Err(CurlError::NoPassword(option.into()));
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
    Ok(format!("Basic {encoded}"))
}

/// Splits off the fragment (never sent) and the query, and defaults the scheme to https.
fn split_url(raw: &str) -> Result<(String, String), CurlError> {
    let without_fragment = raw.split_once('#').map_or(raw, |(url, _)| url);
    let (base, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    match base.split_once("://") {
        Some((scheme, "")) if is_scheme(scheme) => Err(CurlError::MissingUrl),
        Some((scheme, _)) if is_scheme(scheme) => {
            let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
            if !web {
                return Err(CurlError::Scheme(scheme.into()));
            }
            Ok((base.into(), query.into()))
        }
        _ if base.is_empty() => Err(CurlError::MissingUrl),
        _ => Ok((format!("https://{base}"), query.into())),
    }
}

fn is_scheme(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Explicit `-X` wins; otherwise curl posts when there is a body.
fn choose_method(explicit: Option<&str>, has_body: bool) -> Result<String, CurlError> {
    let implied = if has_body { "post" } else { "get" };
    let method = explicit.unwrap_or(implied).to_ascii_lowercase();
    if METHODS.contains(&method.as_str()) {
        Ok(method)
    } else {
        Err(CurlError::Method(method.to_ascii_uppercase()))
    }
}

fn decide_body(text: String, headers: &mut Map<String, Value>) -> Value {
    let content_type = find_header(headers, CONTENT_TYPE);
    let type_value = content_type.as_ref().and_then(|key| headers.get(key));
    match type_value.and_then(Value::as_str) {
        Some(value) if is_json_type(value) => {
            let exact = value.trim().eq_ignore_ascii_case(JSON_TYPE);
            match parse_json(&text) {
                Some(json) if exact => {
                    // Chime sends JSON bodies as application/json itself (see module docs).
                    if let Some(key) = &content_type {
                        headers.shift_remove(key);
                    }
                    json
                }
                Some(json) => json,
                None => Value::String(text),
            }
        }
        Some(_) => Value::String(text),
        None => match serde_json::from_str(&text) {
            Ok(json @ (Value::Object(_) | Value::Array(_))) => json,
            // curl labels -d data as a form; say so, so that the job sends the same request.
            _ => {
                headers.insert(CONTENT_TYPE.into(), FORM_TYPE.into());
                Value::String(text)
            }
        },
    }
}

/// JSON other than a string: a string body means raw text in a job, so `"abc"` stays text.
fn parse_json(text: &str) -> Option<Value> {
    serde_json::from_str(text)
        .ok()
        .filter(|json| !matches!(json, Value::String(_)))
}

fn is_json_type(value: &str) -> bool {
    let media_type = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media_type == JSON_TYPE || media_type.ends_with("+json")
}

// ---------------------------------------------------------------- query strings

fn parse_query(text: &str) -> Map<String, Value> {
    let mut query = Map::new();
    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = Value::String(percent_decode(value));
        match query.get_mut(&percent_decode(key)) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None => {
                query.insert(percent_decode(key), value);
            }
        }
    }
    query
}

/// Form-style decoding: `+` is a space; a `%` not followed by two hex digits stays as is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let hex = bytes
            .get(at + 1..at + 3)
            .filter(|pair| pair.iter().all(u8::is_ascii_hexdigit))
            .and_then(|pair| std::str::from_utf8(pair).ok());
        match (byte, hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                at += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            _ => out.push(byte),
        }
        at += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Everything but RFC 3986's unreserved characters, as curl's `curl_easy_escape` does.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn query_string(query: &Map<String, Value>) -> String {
    let pair = |key: &str, value: &Value| {
        format!(
            "{}={}",
            percent_encode(key),
            percent_encode(&value_text(value))
        )
    };
    let mut pairs = Vec::new();
    for (key, value) in query {
        match value {
            Value::Array(values) => pairs.extend(values.iter().map(|v| pair(key, v))),
            value => pairs.push(pair(key, value)),
        }
    }
    pairs.join("&")
}

// ---------------------------------------------------------------- printing

fn command_head(req: &CurlRequest) -> String {
    let mut head = String::from("curl");
    let implied = if req.body.is_some() { "post" } else { "get" };
    if !req.method.eq_ignore_ascii_case(implied) {
        head.push_str(&format!(" -X {}", req.method.to_ascii_uppercase()));
    }
    let mut url = req.url.clone();
    if !req.query.is_empty() {
        // A job's URL may carry a query of its own beside `query`.
        let joint = if url.contains('?') { '&' } else { '?' };
        url = format!("{url}{joint}{}", query_string(&req.query));
    }
    // Unquoted brackets and braces would make curl expand the URL into several.
    if url.contains(['[', ']', '{', '}']) {
        head.push_str(" --globoff");
    }
    format!("{head} {}", quote(&url))
}

/// `-H 'K: V'`, or curl's `-H 'K;'` for a header with an empty value.
fn header_arg(name: &str, value: &Value) -> String {
    match value_text(value) {
        text if text.is_empty() => format!("-H {}", quote(&format!("{name};"))),
        text => format!("-H {}", quote(&format!("{name}: {text}"))),
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn connection_level_headers_are_left_to_the_client() {
        let parsed = parse(
            "curl https://x.test/ -H 'Connection: keep-alive' -H 'Host: x.test' -H 'X-Keep: 1'",
        )
        .unwrap();
        assert_eq!(
            parsed.headers,
            json!({"X-Keep": "1"}).as_object().unwrap().clone()
        );
    }

    #[test]
    fn a_url_with_its_own_query_gets_the_rest_after_an_ampersand() {
        let req = request(
            "get",
            "https://x.test/a?z=9",
            json!({"a": "1"}),
            json!({}),
            None,
        );
        assert_eq!(to_curl(&req), "curl 'https://x.test/a?z=9&a=1'");
    }

    fn request(
        method: &str,
        url: &str,
        query: Value,
        headers: Value,
        body: Option<Value>,
    ) -> CurlRequest {
        let map = |value: Value| value.as_object().cloned().unwrap_or_default();
        CurlRequest {
            method: method.into(),
            url: url.into(),
            query: map(query),
            headers: map(headers),
            body,
        }
    }

    /// Printing and parsing again gives the same request, header and query order included.
    fn assert_round_trip(req: &CurlRequest) {
        let printed = to_curl(req);
        let again = parse(&printed).unwrap_or_else(|e| panic!("{printed}\n=> {e}"));
        assert_eq!(&again, req, "round trip of\n{printed}");
        assert!(
            again.headers.keys().eq(req.headers.keys()),
            "header order\n{printed}"
        );
        assert!(
            again.query.keys().eq(req.query.keys()),
            "query order\n{printed}"
        );
    }

    const FORM: &str = "application/x-www-form-urlencoded";

    /// Commands as people paste them (browsers' "Copy as cURL", API docs, terminals), each
    /// with the job fields it must give, as `to_json` writes them.
    fn real_world() -> Vec<(&'static str, Value)> {
        vec![
            // Chrome, bash: many headers, -b cookies, --compressed, continuations.
            (
                r#"curl 'https://github.com/notifications?query=is%3Aunread&page=2' \
  -H 'accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' \
  -H 'accept-language: en-US,en;q=0.9' \
  -b '_gh_sess=abc123; logged_in=yes' \
  -H 'sec-ch-ua: "Chromium";v="124", "Google Chrome";v="124"' \
  -H 'sec-fetch-mode: navigate' \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36' \
  --compressed"#,
                json!({"method": "get", "url": "https://github.com/notifications",
                       "query": {"query": "is:unread", "page": "2"},
                       "headers": {
                           "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                           "accept-language": "en-US,en;q=0.9",
                           "Cookie": "_gh_sess=abc123; logged_in=yes",
                           "sec-ch-ua": r#""Chromium";v="124", "Google Chrome";v="124""#,
                           "sec-fetch-mode": "navigate",
                           "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"}}),
            ),
            // Chrome, bash: $'...' JSON body with \u0021 for `!`, \\n and \'.
            (
                r#"curl 'https://api.example.com/graphql' \
  -H 'content-type: application/json' \
  -H 'origin: https://app.example.com' \
  --data-raw $'{"query":"{ viewer { login } }","variables":{"note":"Hi\u0021\\nit\'s me"}}' \
  --compressed"#,
                json!({"method": "post", "url": "https://api.example.com/graphql",
                       "headers": {"origin": "https://app.example.com"},
                       "body": {"query": "{ viewer { login } }", "variables": {"note": "Hi!\nit's me"}}}),
            ),
            // Firefox, bash: -X POST after the URL, an explicit form Content-Type.
            (
                "curl 'https://www.example.org/api/comments' --compressed -X POST \
                 -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' \
                 -H 'Accept: */*' -H 'Content-Type: application/x-www-form-urlencoded; charset=UTF-8' \
                 -H 'Cookie: sid=xyz' --data-raw 'comment=Nice+post&id=7'",
                json!({"method": "post", "url": "https://www.example.org/api/comments",
                       "headers": {
                           "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
                           "Accept": "*/*",
                           "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                           "Cookie": "sid=xyz"},
                       "body": "comment=Nice+post&id=7"}),
            ),
            // Chrome, cmd: ^ escapes, \^" inner quotes, ^% and ^ + CRLF continuations.
            (
                "curl ^\"https://api.example.com/v1/items?page=2^\" ^\r\n  -H ^\"accept: application/json^\" ^\r\n  \
                 -H ^\"content-type: application/json^\" ^\r\n  -b ^\"sid=abc^%^3D; theme=dark^\" ^\r\n  \
                 --data-raw ^\"^{^\\^\"name^\\^\":^\\^\"Widget 50^%^\\^\",^\\^\"path^\\^\":^\\^\"C:^\\^\\^\\^\\dir^\\^\"^}^\" ^\r\n  \
                 --compressed",
                json!({"method": "post", "url": "https://api.example.com/v1/items", "query": {"page": "2"},
                       "headers": {"accept": "application/json", "Cookie": "sid=abc%3D; theme=dark"},
                       "body": {"name": "Widget 50%", "path": "C:\\dir"}}),
            ),
            // Form fields: -d pieces join with &, and curl's form Content-Type is kept.
            (
                "curl -d name=chime -d version=1 https://httpbin.org/post",
                json!({"method": "post", "url": "https://httpbin.org/post",
                       "headers": {"Content-Type": FORM}, "body": "name=chime&version=1"}),
            ),
            // --data-urlencode in its three literal forms.
            (
                "curl --data-urlencode 'comment=hello world & more' --data-urlencode '=raw value' \
                 --data-urlencode 'plain/text' https://httpbin.org/post",
                json!({"method": "post", "url": "https://httpbin.org/post", "headers": {"Content-Type": FORM},
                       "body": "comment=hello+world+%26+more&raw+value&plain%2Ftext"}),
            ),
            // GitHub: basic auth.
            (
                "curl -u octocat:ghp_secret https://api.github.com/user",
                json!({"method": "get", "url": "https://api.github.com/user",
                       "headers": {"Authorization": "Basic b2N0b2NhdDpnaHBfc2VjcmV0"}}),
            ),
            // GitHub docs: create an issue (JSON body without a Content-Type).
            (
                r#"curl -L \
  -X POST \
  -H "Accept: application/vnd.github+json" \
  -H "Authorization: Bearer <YOUR-TOKEN>" \
  -H "X-GitHub-Api-Version: 2022-11-28" \
  https://api.github.com/repos/OWNER/REPO/issues \
  -d '{"title":"Found a bug","body":"I'\''m having a problem.","labels":["bug"]}'"#,
                json!({"method": "post", "url": "https://api.github.com/repos/OWNER/REPO/issues",
                       "headers": {"Accept": "application/vnd.github+json",
                                   "Authorization": "Bearer <YOUR-TOKEN>",
                                   "X-GitHub-Api-Version": "2022-11-28"},
                       "body": {"title": "Found a bug", "body": "I'm having a problem.", "labels": ["bug"]}}),
            ),
            // Stripe docs: create a customer (-u key: with an empty password).
            (
                r#"curl https://api.stripe.com/v1/customers \
  -u "sk_test_4eC39HqLyjWDarjtT1zdp7dc:" \
  -d name="Jenny Rosen" \
  --data-urlencode email="jenny.rosen@example.com""#,
                json!({"method": "post", "url": "https://api.stripe.com/v1/customers",
                       "headers": {"Authorization": "Basic c2tfdGVzdF80ZUMzOUhxTHlqV0Rhcmp0VDF6ZHA3ZGM6",
                                   "Content-Type": FORM},
                       "body": "name=Jenny Rosen&email=jenny.rosen%40example.com"}),
            ),
            // Stripe docs: -G moves the data into the query.
            (
                "curl -G https://api.stripe.com/v1/charges -u sk_test_123: -d limit=3 -d \"expand[]=data.customer\"",
                json!({"method": "get", "url": "https://api.stripe.com/v1/charges",
                       "query": {"limit": "3", "expand[]": "data.customer"},
                       "headers": {"Authorization": "Basic c2tfdGVzdF8xMjM6"}}),
            ),
            // Slack incoming webhook: a plain JSON Content-Type is Chime's default, so dropped.
            (
                r#"curl -X POST -H 'Content-type: application/json' --data '{"text":"Hello, World!"}' https://hooks.slack.com/services/T000/B000/XXXX"#,
                json!({"method": "post", "url": "https://hooks.slack.com/services/T000/B000/XXXX",
                       "body": {"text": "Hello, World!"}}),
            ),
            // Slack Web API: a charset keeps the Content-Type.
            (
                r#"curl -X POST -H 'Authorization: Bearer xoxb-1234' -H 'Content-type: application/json; charset=utf-8' --data '{"channel":"C123","text":"hi"}' https://slack.com/api/chat.postMessage"#,
                json!({"method": "post", "url": "https://slack.com/api/chat.postMessage",
                       "headers": {"Authorization": "Bearer xoxb-1234",
                                   "Content-type": "application/json; charset=utf-8"},
                       "body": {"channel": "C123", "text": "hi"}}),
            ),
            // Discord webhook.
            (
                r#"curl -H "Content-Type: application/json" -d '{"username": "Chime", "content": "Job done"}' "https://discord.com/api/webhooks/123/abc""#,
                json!({"method": "post", "url": "https://discord.com/api/webhooks/123/abc",
                       "body": {"username": "Chime", "content": "Job done"}}),
            ),
            // --json sets Accept too.
            (
                r#"curl --json '{"tool": "curl"}' https://example.com/api"#,
                json!({"method": "post", "url": "https://example.com/api",
                       "headers": {"Accept": "application/json"}, "body": {"tool": "curl"}}),
            ),
            // --json pieces concatenate; an explicit Accept wins.
            (
                r#"curl --json '{"items":' --json '[1,2]}' -H 'Accept: text/plain' https://example.com/api"#,
                json!({"method": "post", "url": "https://example.com/api",
                       "headers": {"Accept": "text/plain"}, "body": {"items": [1, 2]}}),
            ),
            // A query with +, repeats, a bare key, UTF-8, and a fragment that is dropped.
            (
                "curl 'https://example.com/search?q=rust+lang&tag=a&tag=b&flag&mark=%E2%9C%93#results?x=1'",
                json!({"method": "get", "url": "https://example.com/search",
                       "query": {"q": "rust lang", "tag": ["a", "b"], "flag": "", "mark": "✓"}}),
            ),
            // Attached values: -XPUT -H'...' -d'...'.
            (
                "curl -XPUT -H'Content-Type: text/plain' -d'hello there' https://example.com/notes/1",
                json!({"method": "put", "url": "https://example.com/notes/1",
                       "headers": {"Content-Type": "text/plain"}, "body": "hello there"}),
            ),
            // Harmless flags, combined, some consuming values.
            (
                "curl -sSLkf --max-time 10 -o /dev/null -w '%{http_code}' --retry 3 --connect-timeout 5 \
                 --http1.1 -m5 https://example.com/health",
                json!({"method": "get", "url": "https://example.com/health"}),
            ),
            // No scheme means https.
            (
                "curl example.com/health",
                json!({"method": "get", "url": "https://example.com/health"}),
            ),
            // DELETE with a bearer token.
            (
                "curl -X DELETE https://api.example.com/items/42 -H 'Authorization: Bearer t0k3n'",
                json!({"method": "delete", "url": "https://api.example.com/items/42",
                       "headers": {"Authorization": "Bearer t0k3n"}}),
            ),
            // Insomnia: long options and --url.
            (
                "curl --request PATCH \\\n  --url 'https://api.example.com/users/1?notify=true' \\\n  \
                 --header 'content-type: application/json' \\\n  --data '{\"name\":\"Ada\"}'",
                json!({"method": "patch", "url": "https://api.example.com/users/1",
                       "query": {"notify": "true"}, "body": {"name": "Ada"}}),
            ),
            // -A, -e (with curl's ;auto) and -b become headers.
            (
                "curl -A 'Chime/1.0' -e 'https://ref.example/;auto' -b 'session=abc; theme=dark' http://example.com",
                json!({"method": "get", "url": "http://example.com",
                       "headers": {"Cookie": "session=abc; theme=dark", "User-Agent": "Chime/1.0",
                                   "Referer": "https://ref.example/"}}),
            ),
            // An empty-value header (`K;`) and a removal (`K:`).
            (
                "curl -H 'X-Empty;' -H 'Accept:' https://example.com",
                json!({"method": "get", "url": "https://example.com", "headers": {"X-Empty": ""}}),
            ),
            // $'...' escapes: \t, \', \xHH as UTF-8 bytes, \u, octal, \n.
            (
                r"curl https://example.com/echo -H $'X-Note: tab\there' --data-raw $'it\'s \xc3\xa9t\u00e9 \101\n'",
                json!({"method": "post", "url": "https://example.com/echo",
                       "headers": {"X-Note": "tab\there", "Content-Type": FORM}, "body": "it's été A\n"}),
            ),
            // Double quotes with escapes; a $VAR stays as written (nothing is expanded or run).
            (
                r#"curl "https://example.com/say" -H "X-Msg: say \"hi\" to \$HOME, \`pwd\` \\o/ \d" -H "Authorization: Bearer $API_KEY""#,
                json!({"method": "get", "url": "https://example.com/say",
                       "headers": {"X-Msg": r#"say "hi" to $HOME, `pwd` \o/ \d"#,
                                   "Authorization": "Bearer $API_KEY"}}),
            ),
            // Postman: --location, a multi-line JSON body.
            (
                "curl --location 'https://api.example.com/v1/orders' \\\n--header 'Content-Type: application/json' \\\n\
                 --header 'Authorization: Bearer abc' \\\n--data '{\n    \"sku\": \"A-1\",\n    \"qty\": 2\n}'",
                json!({"method": "post", "url": "https://api.example.com/v1/orders",
                       "headers": {"Authorization": "Bearer abc"}, "body": {"sku": "A-1", "qty": 2}}),
            ),
            // CRLF continuations; a repeated header joins; values are trimmed.
            (
                "curl https://example.com/api \\\r\n  -H 'X-A: 1' \\\r\n  -H 'X-A: 2' \\\r\n  -H 'X-B:  spaced  '\r\n",
                json!({"method": "get", "url": "https://example.com/api",
                       "headers": {"X-A": "1, 2", "X-B": "spaced"}}),
            ),
            // -G with --data-urlencode, added to an existing query.
            (
                "curl -G 'https://example.com/search?lang=en' --data-urlencode 'q=hello world' -d page=2",
                json!({"method": "get", "url": "https://example.com/search",
                       "query": {"lang": "en", "q": "hello world", "page": "2"}}),
            ),
            // Telegram bot API.
            (
                r#"curl -X POST "https://api.telegram.org/bot123456:ABC-DEF/sendMessage" -d "chat_id=42&text=Job%20done""#,
                json!({"method": "post", "url": "https://api.telegram.org/bot123456:ABC-DEF/sendMessage",
                       "headers": {"Content-Type": FORM}, "body": "chat_id=42&text=Job%20done"}),
            ),
            // OpenAI docs: JSON over several lines.
            (
                r#"curl https://api.openai.com/v1/chat/completions \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $OPENAI_API_KEY" \
  -d '{
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "Say this is a test!"}],
    "temperature": 0.7
  }'"#,
                json!({"method": "post", "url": "https://api.openai.com/v1/chat/completions",
                       "headers": {"Authorization": "Bearer $OPENAI_API_KEY"},
                       "body": {"model": "gpt-4o-mini", "temperature": 0.7,
                                "messages": [{"role": "user", "content": "Say this is a test!"}]}}),
            ),
            // A JSON Content-Type with a body that isn't JSON keeps both as written.
            (
                "curl -X put https://example.com/x -H 'Content-Type: application/json' -d 'not json'",
                json!({"method": "put", "url": "https://example.com/x",
                       "headers": {"Content-Type": "application/json"}, "body": "not json"}),
            ),
            // A JSON string body stays raw text (a job's string body is raw text).
            (
                r#"curl https://example.com/x -H 'Content-Type: application/json' -d '"just text"'"#,
                json!({"method": "post", "url": "https://example.com/x",
                       "headers": {"Content-Type": "application/json"}, "body": "\"just text\""}),
            ),
            // GET with a JSON body, --oauth2-bearer, and a trailing comment.
            (
                "curl -X GET https://es.example.com/_search --oauth2-bearer tok -d '{\"size\":1}' # search",
                json!({"method": "get", "url": "https://es.example.com/_search",
                       "headers": {"Authorization": "Bearer tok"}, "body": {"size": 1}}),
            ),
            // Brackets in the path with -g, and an empty body.
            (
                "curl -g -d '' 'https://example.com/items/[1]'",
                json!({"method": "post", "url": "https://example.com/items/[1]",
                       "headers": {"Content-Type": FORM}, "body": ""}),
            ),
        ]
    }

    #[test]
    fn real_world_commands_parse_and_round_trip() {
        let cases = real_world();
        assert!(cases.len() >= 25);
        for (command, expected) in cases {
            let parsed = parse(command).unwrap_or_else(|e| panic!("{command}\n=> {e}"));
            let fields = to_json(&parsed);
            for field in ["method", "url", "query", "headers", "body"] {
                assert_eq!(
                    fields.get(field),
                    expected.get(field),
                    "{field} of\n{command}"
                );
            }
            assert_round_trip(&parsed);
        }
    }

    #[test]
    fn errors_name_the_problem() {
        let cases = [
            ("curl 'https://x.example", "unclosed single quote"),
            ("curl \"https://x.example", "unclosed double quote"),
            ("curl $'https://x.example", "unclosed $'...' quote"),
            ("curl ^\"https://x.example", "unclosed double quote"),
            ("curl -H 'Accept: */*'", "the URL is missing"),
            ("curl 'https://#top'", "the URL is missing"),
            ("curl '?a=1'", "the URL is missing"),
            ("   ", "the command is empty"),
            ("wget https://x.example", "`wget`"),
            (
                "curl -F 'file=@photo.jpg' x.example",
                "multipart form uploads (-F)",
            ),
            (
                "curl --form a=b x.example",
                "multipart form uploads (--form)",
            ),
            (
                "curl -d @body.json x.example",
                "-d reads the file `body.json`",
            ),
            (
                "curl --data-binary @- x.example",
                "--data-binary reads the file `-`",
            ),
            (
                "curl --data-urlencode name@notes.txt x.example",
                "`notes.txt`",
            ),
            (
                "curl --json @payload.json x.example",
                "--json reads the file `payload.json`",
            ),
            (
                "curl -H @headers.txt x.example",
                "-H reads the file `headers.txt`",
            ),
            ("curl -H ' @h.txt' x.example", "-H reads the file `h.txt`"),
            (
                "curl -b cookies.txt x.example",
                "-b reads the file `cookies.txt`",
            ),
            ("curl --frobnicate x.example", "unknown option --frobnicate"),
            ("curl -sj x.example", "unknown option -j"),
            ("curl --data=x x.example", "unknown option --data=x"),
            ("curl -T file.txt x.example", "option -T is not supported"),
            (
                "curl --upload-file f x.example",
                "option --upload-file is not supported",
            ),
            ("curl -X HEAD x.example", "method HEAD is not supported"),
            ("curl -I x.example", "method HEAD is not supported"),
            (
                "curl --request options x.example",
                "method OPTIONS is not supported",
            ),
            ("curl x.example -H", "-H needs a value"),
            ("curl x.example --max-time", "--max-time needs a value"),
            ("curl x.example -sX", "-X needs a value"),
            (
                "curl a.example b.example",
                "unexpected argument `b.example`",
            ),
            ("curl x.example | jq .", "unexpected argument `|`"),
            ("curl ftp://x.example/file", "scheme `ftp` is not supported"),
            (
                "curl -H 'NoColon' x.example",
                "header `NoColon` has no colon",
            ),
            ("curl -u alice x.example", "-u needs user:password"),
        ];
        for (command, message) in cases {
            let got = match parse(command) {
                Ok(req) => panic!("{command} parsed as {req:?}"),
                Err(e) => e.to_string(),
            };
            assert!(got.contains(message), "{command}: got {got:?}");
        }
    }

    #[test]
    fn prints_simple_requests_on_one_line() {
        let get = request(
            "get",
            "https://example.com/a",
            json!({"q": "a b"}),
            json!({}),
            None,
        );
        assert_eq!(to_curl(&get), "curl 'https://example.com/a?q=a%20b'");
        let one_header = request(
            "delete",
            "https://x.example/1",
            json!({}),
            json!({"X-A": "it's"}),
            None,
        );
        assert_eq!(
            to_curl(&one_header),
            r"curl -X DELETE 'https://x.example/1' -H 'X-A: it'\''s'"
        );
    }

    #[test]
    fn prints_json_bodies_with_their_content_type() {
        let post = request(
            "post",
            "https://x.example",
            json!({}),
            json!({"X-A": ""}),
            Some(json!({"a": [1, "b"]})),
        );
        let expected = "curl 'https://x.example' \\\n  -H 'X-A;' \\\n  \
                        -H 'Content-Type: application/json' \\\n  --data-raw '{\"a\":[1,\"b\"]}'";
        assert_eq!(to_curl(&post), expected);
        assert_round_trip(&post);
    }

    #[test]
    fn prints_the_method_when_the_body_does_not_imply_it() {
        let get_with_body = request(
            "get",
            "https://x.example",
            json!({}),
            json!({}),
            Some(json!([1])),
        );
        assert!(to_curl(&get_with_body).starts_with("curl -X GET 'https://x.example'"));
        let post_without_body = request("post", "https://x.example", json!({}), json!({}), None);
        assert_eq!(
            to_curl(&post_without_body),
            "curl -X POST 'https://x.example'"
        );
        assert_round_trip(&get_with_body);
        assert_round_trip(&post_without_body);
    }

    #[test]
    fn query_values_survive_encoding() {
        let query = json!({"a b": "1+1=2 & 50% ✓", "k": ["x/y", "", "é"], "[]": "'\""});
        let req = request("get", "https://x.example/p", query, json!({}), None);
        assert!(
            to_curl(&req).contains("a%20b=1%2B1%3D2%20%26%2050%25%20%E2%9C%93&k=x%2Fy&k=&k=%C3%A9")
        );
        assert_round_trip(&req);
    }

    #[test]
    fn awkward_text_survives_quoting() {
        let text = "it's \"quoted\" \\ $HOME `cmd` ^\" \n\r\t # not a comment ü 😀 \u{7}";
        let headers = json!({"X-Text": text, "Content-Type": "text/plain"});
        let req = request(
            "put",
            "https://x.example/it's",
            json!({"q": text}),
            headers,
            Some(json!(text)),
        );
        assert_round_trip(&req);
    }

    #[test]
    fn to_json_leaves_out_what_is_empty() {
        let bare = parse("curl example.com").map(|r| to_json(&r));
        assert_eq!(
            bare,
            Ok(json!({"method": "get", "url": "https://example.com"}))
        );
        let full =
            parse("curl 'https://x.example?a=1' -H 'X: y' --json '[true]'").map(|r| to_json(&r));
        let expected = json!({
            "method": "post",
            "url": "https://x.example",
            "query": {"a": "1"},
            "headers": {"X": "y", "Accept": "application/json"},
            "body": [true],
        });
        assert_eq!(full, Ok(expected));
    }

    #[test]
    fn explicit_headers_beat_derived_ones() {
        let req =
            parse("curl -u a:b -A ua -H 'authorization: Token t' -H 'user-agent: mine' x.example");
        let headers = req.map(|r| r.headers);
        assert_eq!(
            headers,
            Ok(json!({"authorization": "Token t", "user-agent": "mine"})
                .as_object()
                .cloned()
                .unwrap_or_default())
        );
    }

    #[test]
    fn posix_and_cmd_splitting_details() {
        let words = |s: &str| split_shell_words(s).unwrap_or_default();
        assert_eq!(
            words("a''b '' \"\" c\\ d e\\\nf"),
            ["ab", "", "", "c d", "ef"]
        );
        assert_eq!(words("x # y\nz"), ["x", "z"]);
        assert_eq!(words(r"$'\x41\101\u263A\U0001F600\q\x'"), ["AA☺😀\\q\\x"]);
        assert_eq!(words("trailing\\"), ["trailing"]);
        assert_eq!(percent_decode("%41%+1%4g%e2%9c%93+%"), "A% 1%4g✓ %");
        let cmd = |s: &str| split_cmd_words(s).unwrap_or_default();
        assert_eq!(
            cmd("curl ^\"a b^\" ^\n -d ^\"x^^y^\""),
            ["curl", "a b", "-d", "x^y"]
        );
        // A POSIX command that merely contains ^" is not read as cmd.
        assert_eq!(
            parse("curl -d 'a^\"' x.example").map(|r| r.body),
            Ok(Some(json!("a^\"")))
        );
    }

    /// Prefixes of real commands and random strings: parse never panics, and whatever it
    /// accepts round-trips.
    #[test]
    fn no_panics_and_round_trips_on_arbitrary_input() {
        let mut inputs: Vec<String> = Vec::new();
        for (command, _) in real_world() {
            let ends = command
                .char_indices()
                .map(|(at, _)| at)
                .chain([command.len()]);
            inputs.extend(ends.map(|end| command[..end].to_string()));
        }
        // Random strings built from pieces that mean something to the parser.
        let pieces: Vec<&str> =
            " |\n|\r\n|\t|'|\"|$'|\\|\\\n|^|^\"|#|@|=|&|?|:|;|%|%4|%20|+|[|{|a|é|1|\
            x.example|http://|-d|-H|-X|-G|-sd|-e|-u|-b|-A|-XPUT|-Hk;|--json|--url|--data-raw|\
            --data-urlencode|post|{\"a\":1}|[2]|\"s\"|Content-Type:|K: v|application/json|+json|\
            text/plain|\\x4|\\u00e9"
                .split('|')
                .collect();
        let mut seed: u64 = 42;
        let mut next = |below: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % below
        };
        for _ in 0..20_000 {
            let mut text = String::from(["curl ", "curl x.example "][next(2)]);
            for _ in 0..next(12) {
                text.push_str(pieces[next(pieces.len())]);
            }
            inputs.push(text);
        }
        for input in inputs {
            if let Ok(req) = parse(&input) {
                assert_round_trip(&req);
            }
        }
    }
}

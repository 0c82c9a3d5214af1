//! curl's options, read word by word into the request a job sends: the
//! option table, what is ignored or refused, and how data, headers and
//! credentials become the job's method, URL, query, headers and body.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::query::{parse_query, percent_encode};
use super::{CurlError, CurlRequest, CONTENT_TYPE, FORM_TYPE, JSON_TYPE, METHODS};

// ---------------------------------------------------------------- options

#[derive(Clone, Copy)]
pub(super) enum Opt {
    Flag(Flag),
    Arg(Arg),
}

#[derive(Clone, Copy)]
pub(super) enum Flag {
    Get,
    Head,
    Multipart,
    Ignored,
    Unsupported,
}

#[derive(Clone, Copy)]
pub(super) enum Arg {
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
pub(super) enum DataKind {
    /// `-d`, `--data-ascii`, `--data-binary`: `@name` reads a file.
    MaybeFile,
    /// `--data-raw`: sent as written, `@` included.
    Raw,
    UrlEncode,
}

/// How curl behaves locally (output, TLS checks, redirects, retries), not what it sends.
pub(super) const IGNORED_FLAGS: &str =
    "silent show-error location location-trusted insecure include \
    verbose fail fail-with-body compressed http1.0 http1.1 http2 http2-prior-knowledge http3 \
    globoff no-buffer no-progress-meter progress-bar ipv4 ipv6 basic tcp-nodelay no-keepalive \
    path-as-is remote-name remote-header-name remote-time raw tr-encoding retry-all-errors \
    retry-connrefused create-dirs ssl-no-revoke proxy-insecure disable parallel";
pub(super) const IGNORED_WITH_VALUE: &str =
    "max-time connect-timeout output output-dir write-out retry \
    retry-delay retry-max-time max-redirs dump-header cookie-jar trace trace-ascii stderr \
    limit-rate speed-limit speed-time keepalive-time expect100-timeout resolve connect-to \
    interface dns-servers cacert capath ciphers proto proto-redir proto-default local-port";
/// They change the request in ways a job can't express.
pub(super) const UNSUPPORTED: &str =
    "upload-file config cert key proxy proxy-user digest ntlm negotiate \
    anyauth aws-sigv4 netrc netrc-file netrc-optional unix-socket abstract-unix-socket range \
    continue-at time-cond";

pub(super) fn listed(list: &str, name: &str) -> bool {
    list.split_ascii_whitespace().any(|listed| listed == name)
}

pub(super) fn long_option(name: &str) -> Option<Opt> {
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
pub(super) fn short_option(letter: char) -> Option<Opt> {
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
pub(super) struct Draft {
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
    pub(super) fn read_word(
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

    pub(super) fn into_request(self) -> Result<CurlRequest, CurlError> {
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

pub(super) fn check_program(first: Option<String>) -> Result<(), CurlError> {
    let first = first.ok_or(CurlError::Empty)?;
    let program = first.rsplit(['/', '\\']).next().unwrap_or_default();
    if program.eq_ignore_ascii_case("curl") || program.eq_ignore_ascii_case("curl.exe") {
        Ok(())
    } else {
        Err(CurlError::NotCurl(first))
    }
}

pub(super) fn file_input(option: &str, file: &str) -> CurlError {
    CurlError::FileInput {
        option: option.into(),
        file: file.into(),
    }
}

/// `K: V` adds a header, `K;` adds one with an empty value, and `K:` alone (curl's way to
/// drop a header curl itself would add) is ignored, since a job adds no such headers.
pub(super) fn header_line(option: &str, line: &str) -> Result<Option<(String, String)>, CurlError> {
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
pub(super) fn merge_header(headers: &mut Map<String, Value>, name: &str, value: String) {
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

pub(super) fn find_header(headers: &Map<String, Value>, name: &str) -> Option<String> {
    headers
        .keys()
        .find(|key| key.eq_ignore_ascii_case(name))
        .cloned()
}

pub(super) fn data_piece(kind: DataKind, option: &str, value: String) -> Result<String, CurlError> {
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
pub(super) fn url_encoded_piece(option: &str, arg: &str) -> Result<String, CurlError> {
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

pub(super) fn basic_auth(option: &str, credentials: &str) -> Result<String, CurlError> {
    if !credentials.contains(':') {
        return Err(CurlError::NoPassword(option.into()));
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
    Ok(format!("Basic {encoded}"))
}

/// Splits off the fragment (never sent) and the query, and defaults the scheme to https.
pub(super) fn split_url(raw: &str) -> Result<(String, String), CurlError> {
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

pub(super) fn is_scheme(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Explicit `-X` wins; otherwise curl posts when there is a body.
pub(super) fn choose_method(explicit: Option<&str>, has_body: bool) -> Result<String, CurlError> {
    let implied = if has_body { "post" } else { "get" };
    let method = explicit.unwrap_or(implied).to_ascii_lowercase();
    if METHODS.contains(&method.as_str()) {
        Ok(method)
    } else {
        Err(CurlError::Method(method.to_ascii_uppercase()))
    }
}

pub(super) fn decide_body(text: String, headers: &mut Map<String, Value>) -> Value {
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
pub(super) fn parse_json(text: &str) -> Option<Value> {
    serde_json::from_str(text)
        .ok()
        .filter(|json| !matches!(json, Value::String(_)))
}

pub(super) fn is_json_type(value: &str) -> bool {
    let media_type = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media_type == JSON_TYPE || media_type.ends_with("+json")
}

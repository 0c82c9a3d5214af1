//! The importer and the printer, on commands as people paste them.

use super::query::percent_decode;
use super::*;
use serde_json::json;

#[test]
fn connection_level_headers_are_left_to_the_client() {
    let parsed =
        parse("curl https://x.test/ -H 'Connection: keep-alive' -H 'Host: x.test' -H 'X-Keep: 1'")
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

#[test]
fn an_export_says_in_comments_what_curl_cannot_carry_and_still_imports() {
    let req = request(
        "post",
        "https://x.test/orders",
        json!({}),
        json!({}),
        Some(json!({"a": 1})),
    );
    let args = json!({
        "url": "https://x.test/orders", "repeat_every": "5 minutes",
        "assert": [{"status": "2xx"}, {"json": "data.note", "equals": "a\nb"}],
        "alert": {"after_failures": 3}, "overlap": "skip", "max_runs": 10,
        "until": "2030-01-01T00:00:00Z", "quiet_hours": {"from": "22:00", "to": "07:00"}
    });
    let printed = with_settings(to_curl(&req), &args);
    let comments: Vec<&str> = printed.lines().take_while(|l| l.starts_with('#')).collect();
    assert_eq!(
        comments[1..],
        [
            r#"# assert: [{"status":"2xx"},{"json":"data.note","equals":"a\nb"}]"#,
            r#"# alert: {"after_failures":3}"#,
            r#"# overlap: "skip""#,
            "# max_runs: 10",
            r#"# until: "2030-01-01T00:00:00Z""#,
            r#"# quiet_hours: {"from":"22:00","to":"07:00"}"#,
        ]
    );
    assert!(printed.ends_with(&to_curl(&req)), "{printed}");
    assert_eq!(
        parse(&printed).unwrap(),
        req,
        "the comments do not change the import"
    );
    // A job with none of them prints the command alone.
    let plain = json!({"url": "https://x.test/orders", "assert": []});
    assert_eq!(with_settings(to_curl(&req), &plain), to_curl(&req));
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
    assert!(to_curl(&req).contains("a%20b=1%2B1%3D2%20%26%2050%25%20%E2%9C%93&k=x%2Fy&k=&k=%C3%A9"));
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
    let full = parse("curl 'https://x.example?a=1' -H 'X: y' --json '[true]'").map(|r| to_json(&r));
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

/// Found by the fuzz target curl_import: a JSON number past f64's precision read
/// back as another number once printed, until serde_json parsed floats exactly
/// (its float_roundtrip feature).
#[test]
fn a_json_number_past_f64_precision_round_trips() {
    let req = parse(
        "curl https://x.example -H 'Content-Type: application/json' \
         --data-raw 666666666666666666666666666666066666666",
    )
    .unwrap();
    assert!(req.body.as_ref().is_some_and(Value::is_f64), "{req:?}");
    assert_round_trip(&req);
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

//! The end-to-end harness: the release build (`FRONTIER_DIST`) served by a tiny local server,
//! a second local server with a page that embeds the app in an `<iframe>`, chromedriver, and a
//! fresh headless Chromium per test, driven through WebDriver with fantoccini.
//!
//! [`run`] wraps each test: it starts everything, runs the test body, then checks what every test
//! must satisfy (no console error, no request to another origin) and shuts the browser down even
//! when the body failed or panicked.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

/// How long a wait for an element or a condition lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(100);
/// The most one test body may take, so that a hung WebDriver call cannot stall CI.
const TEST_LIMIT: Duration = Duration::from_secs(180);
/// The most a test over every registered widget may take (twelve widgets, each opened several
/// times).
pub const REGISTRY_TEST_LIMIT: Duration = Duration::from_secs(420);
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Flags that work as root in a container and keep Chromium from reaching the network by itself.
const CHROMIUM_ARGS: [&str; 13] = [
    "--headless=new",
    "--no-pings",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=NetworkTimeServiceQuerying,AutofillServerCommunication,OptimizationHints,MediaRouter",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
];
/// The widget the embed harness page frames.
pub const EMBED_ROUTE: &str = "#/embed/train-cost";

/// Browser tests take turns: several Chromiums at once on a two-core machine make every wait
/// slower and the failures harder to read. A tokio mutex works across the tests' runtimes.
static BROWSER_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The folder of the release build under test.
///
/// # Panics
///
/// When `FRONTIER_DIST` is not set: these tests need a build, which `cargo xtask test` makes.
pub fn dist_dir() -> PathBuf {
    match std::env::var_os("FRONTIER_DIST") {
        Some(dir) => PathBuf::from(dir),
        None => panic!(
            "FRONTIER_DIST is not set: run `cargo xtask test`, which builds dist/ and runs these tests against it \
             (or `cargo xtask dist --test-hooks` and then `FRONTIER_DIST=$PWD/dist cargo test -p frontier-e2e`)"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Static file server
// ---------------------------------------------------------------------------------------------

/// One request a server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path, without query or fragment.
    pub path: String,
    pub status: u16,
}

/// What a server serves.
#[derive(Debug)]
enum Site {
    /// The files of a folder, with the headers its `_headers` file sets.
    Files { root: PathBuf, rules: Vec<(String, Vec<(String, String)>)> },
    /// One HTML page at `/`.
    Page(String),
    /// The browser's proxy: Chromium sends it every request for another origin (loopback
    /// addresses bypass a proxy by default), from the page, its frames and its workers alike.
    /// It refuses them all and keeps their targets, so the tests see requests that no
    /// document's resource list shows.
    Trap,
}

/// A server on 127.0.0.1 and a free port, stopped when dropped.
#[derive(Debug)]
pub struct Server {
    /// `http://127.0.0.1:PORT`, with no trailing slash.
    pub origin: String,
    requests: Arc<Mutex<Vec<Request>>>,
    /// While set, every connection is closed unanswered: the browser sees no network.
    offline: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl Server {
    /// Serves the files of `root` (a build of the site).
    pub async fn files(root: &Path) -> Result<Self> {
        ensure!(
            root.join("index.html").is_file(),
            "{} has no index.html: build it with `cargo xtask dist`",
            root.display()
        );
        let rules = match std::fs::read_to_string(root.join("_headers")) {
            Ok(text) => parse_headers_file(&text),
            Err(_) => Vec::new(),
        };
        Self::start(Site::Files { root: root.to_path_buf(), rules }).await
    }

    /// Serves one page at `/`.
    pub async fn page(html: String) -> Result<Self> {
        Self::start(Site::Page(html)).await
    }

    /// A proxy that refuses and records every request (see [`Site::Trap`]).
    pub async fn trap() -> Result<Self> {
        Self::start(Site::Trap).await
    }

    async fn start(site: Site) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await.context("cannot listen on 127.0.0.1")?;
        let origin = format!("http://{}", listener.local_addr()?);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let site = Arc::new(site);
        let log = Arc::clone(&requests);
        let offline = Arc::new(AtomicBool::new(false));
        let unreachable = Arc::clone(&offline);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (site, log, unreachable) = (Arc::clone(&site), Arc::clone(&log), Arc::clone(&unreachable));
                // One failed connection (the browser hung up) must not stop the server.
                tokio::spawn(async move {
                    let _ = serve_connection(stream, &site, &log, &unreachable).await;
                });
            }
        });
        Ok(Self { origin, requests, offline, task })
    }

    /// Every request answered so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Answers one request and closes the connection (no keep-alive: simpler, and enough here).
async fn serve_connection(
    mut stream: TcpStream,
    site: &Site,
    log: &Mutex<Vec<Request>>,
    offline: &AtomicBool,
) -> Result<()> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&chunk[..n]);
        ensure!(head.len() <= 64 * 1024, "request head too large");
    }
    // Checked per request, not per connection: the browser opens connections ahead of need.
    if offline.load(Ordering::SeqCst) {
        return Ok(());
    }
    let head = String::from_utf8_lossy(&head);
    let mut request_line = head.lines().next().unwrap_or_default().split_whitespace();
    let method = request_line.next().unwrap_or_default().to_string();
    let target = request_line.next().unwrap_or("/");
    // A proxy keeps the whole target: for another origin it is the absolute URL (or, for
    // CONNECT, the host and port), which is what the test reports.
    let path = if matches!(site, Site::Trap) { target } else { target.split(['?', '#']).next().unwrap_or("/") };
    let path = path.to_string();

    let (status, headers, body) = respond(site, &method, &path).await;
    log.lock().unwrap_or_else(PoisonError::into_inner).push(Request { method: method.clone(), path, status });

    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let mut response = format!("HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\n", body.len());
    response.push_str("Connection: close\r\nCache-Control: no-store\r\n");
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    stream.write_all(response.as_bytes()).await?;
    if method != "HEAD" {
        stream.write_all(&body).await?;
    }
    stream.shutdown().await?;
    Ok(())
}

type Response = (u16, Vec<(String, String)>, Vec<u8>);

async fn respond(site: &Site, method: &str, path: &str) -> Response {
    let text = |status: u16, message: &str| {
        (
            status,
            vec![("Content-Type".to_string(), "text/plain; charset=utf-8".to_string())],
            message.as_bytes().to_vec(),
        )
    };
    if matches!(site, Site::Trap) {
        return text(403, "this site may not reach another origin");
    }
    if method != "GET" && method != "HEAD" {
        return text(405, "only GET and HEAD");
    }
    match site {
        Site::Page(html) if path == "/" || path == "/index.html" => {
            (200, vec![("Content-Type".to_string(), "text/html; charset=utf-8".to_string())], html.as_bytes().to_vec())
        }
        Site::Page(_) | Site::Trap => text(404, "not found"),
        Site::Files { root, rules } => {
            let Some(relative) = percent_decode(path) else { return text(400, "bad path") };
            if relative.split('/').any(|segment| segment == "..") || relative.contains('\0') {
                return text(400, "bad path");
            }
            let mut file = root.join(relative.trim_start_matches('/'));
            if relative.ends_with('/') || file.is_dir() {
                file = file.join("index.html");
            }
            match tokio::fs::read(&file).await {
                Ok(body) => {
                    let mut headers = vec![("Content-Type".to_string(), content_type(&file).to_string())];
                    for (pattern, rule_headers) in rules {
                        let matches = match pattern.strip_suffix('*') {
                            Some(prefix) => path.starts_with(prefix),
                            None => path == pattern,
                        };
                        if matches {
                            headers.extend(rule_headers.iter().cloned());
                        }
                    }
                    (200, headers, body)
                }
                Err(_) => text(404, "not found"),
            }
        }
    }
}

/// The content type a static host would send for a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The rules of a Netlify / Cloudflare Pages `_headers` file: a path pattern on its own line,
/// then indented `Name: value` lines.
fn parse_headers_file(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut rules: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            rules.push((trimmed.to_string(), Vec::new()));
        } else if let (Some((_, headers)), Some((name, value))) = (rules.last_mut(), trimmed.split_once(':')) {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    rules
}

/// `%XX` decoding of a URL path; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = path.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The embed harness: a page on another origin that frames the app's embed route and keeps the
/// last `frontier-lab:resize` message the app posts in `window.__resize`.
pub fn harness_page(app_origin: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Frontier Lab embed harness</title>
<link rel="icon" href="data:,">
<script>
window.__resize = null;
window.addEventListener("message", (event) => {{
  if (event.origin !== "{app_origin}") return;
  let data = event.data;
  if (typeof data === "string") {{
    try {{ data = JSON.parse(data); }} catch (_) {{ return; }}
  }}
  if (data && data.type === "frontier-lab:resize") {{
    window.__resize = data;
    if (typeof data.height === "number") document.getElementById("app").style.height = data.height + "px";
  }}
}});
</script>
</head>
<body>
<h1>A blog post</h1>
<iframe id="app" title="Frontier Lab" width="640" height="200" style="border:0"></iframe>
<script>
// The route to frame comes after the harness's own `#`, so that one harness serves every widget.
const route = location.hash.length > 1 ? decodeURIComponent(location.hash.slice(1)) : "{EMBED_ROUTE}";
document.getElementById("app").src = "{app_origin}/" + route;
</script>
</body>
</html>
"#
    )
}

// ---------------------------------------------------------------------------------------------
// chromedriver and the browser
// ---------------------------------------------------------------------------------------------

/// A chromedriver process on a free port, killed when dropped.
#[derive(Debug)]
pub struct Chromedriver {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    child: Child,
}

impl Chromedriver {
    /// Starts `$CHROMEDRIVER` (or /usr/bin/chromedriver) and waits until it answers `/status`.
    pub async fn start() -> Result<Self> {
        let program = std::env::var_os("CHROMEDRIVER").map_or_else(|| PathBuf::from(CHROMEDRIVER), PathBuf::from);
        ensure!(program.exists(), "{} does not exist: run apt-get install chromium chromium-driver", program.display());
        let port = free_port()?;
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", program.display()))?;
        let mut driver = Self { url: format!("http://127.0.0.1:{port}"), child };
        let deadline = Instant::now() + WAIT;
        loop {
            if driver_ready(port).await {
                return Ok(driver);
            }
            if let Some(status) = driver.child.try_wait()? {
                bail!("chromedriver exited at start ({status})");
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not answer on port {port} within {} s", WAIT.as_secs());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Stops chromedriver and waits for it to exit.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// Whether chromedriver on `port` says it is ready for a new session.
async fn driver_ready(port: u16) -> bool {
    // chromedriver keeps the connection open despite `Connection: close`, so the answer is read
    // until it says "ready", not to the end, and a stalled read gives up after a while.
    let ask = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        let request = "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut response = Vec::new();
        let mut chunk = [0u8; 1024];
        loop {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return Some(false);
            }
            response.extend_from_slice(&chunk[..n]);
            let compact: String = String::from_utf8_lossy(&response).chars().filter(|c| !c.is_whitespace()).collect();
            if compact.contains("\"ready\":true") {
                return Some(true);
            }
        }
    };
    matches!(tokio::time::timeout(Duration::from_secs(2), ask).await, Ok(Some(true)))
}

/// A port that was free a moment ago (chromedriver needs a number, not a listening socket).
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("cannot find a free port")?;
    Ok(listener.local_addr()?.port())
}

/// A fresh folder under the system's temporary folder, removed when dropped.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Result<Self> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let name = format!("{prefix}-{}-{}-{nanos}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A WebDriver session in a new headless Chromium with its own profile, logging the console.
pub async fn connect(driver: &Chromedriver, profile: &Path, extra_args: &[&str]) -> Result<Client> {
    let mut args: Vec<String> = CHROMIUM_ARGS.iter().chain(extra_args).map(|arg| arg.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".to_string(), json!({ "binary": CHROMIUM, "args": args }));
    capabilities.insert("goog:loggingPrefs".to_string(), json!({ "browser": "ALL" }));
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .with_context(|| format!("cannot open a Chromium session through chromedriver at {}", driver.url))
}

/// chromedriver's log endpoint, `POST /session/{id}/se/log`, for the browser console.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_string()))
    }
}

/// chromedriver's DevTools endpoint, `POST /session/{id}/goog/cdp/execute`: one DevTools
/// Protocol command with its parameters.
#[derive(Debug)]
struct Cdp {
    body: String,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.clone()))
    }
}

/// W3C "Switch To Frame" with a null id: back to the top-level document.
#[derive(Debug)]
struct TopFrame;

impl WebDriverCompatibleCommand for TopFrame {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/frame", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"id":null}"#.to_string()))
    }
}

/// One browser console entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO`, `DEBUG`.
    pub level: String,
    pub source: String,
    pub message: String,
}

/// The console entries logged since the last call (chromedriver hands each entry out once).
pub async fn browser_log(client: &Client) -> Result<Vec<LogEntry>> {
    let value = client.issue_cmd(BrowserLog).await.context("chromedriver did not return the browser log")?;
    let entries = value.as_array().with_context(|| format!("the browser log is not a list: {value}"))?;
    Ok(entries
        .iter()
        .map(|entry| {
            let field = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
            LogEntry { level: field("level"), source: field("source"), message: field("message") }
        })
        .collect())
}

/// The resources the current document loaded, and its own URL, that are not on one of
/// `origins` (`data:` and `blob:` URLs stay on the page and are fine).
pub async fn foreign_requests(client: &Client, origins: &[&str]) -> Result<Vec<String>> {
    let script = "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);";
    let urls: Vec<String> = serde_json::from_value(client.execute(script, Vec::new()).await?)?;
    // The slash matters: "http://127.0.0.1:80" is a prefix of "http://127.0.0.1:8080/".
    let prefixes: Vec<String> = origins.iter().map(|origin| format!("{origin}/")).collect();
    Ok(urls
        .into_iter()
        .filter(|url| !["data:", "blob:", "about:"].iter().any(|scheme| url.starts_with(scheme)))
        .filter(|url| !prefixes.iter().any(|prefix| url.starts_with(prefix.as_str())))
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The page a test drives
// ---------------------------------------------------------------------------------------------

/// What a test body gets: the browser, and where the app and the embed harness are served.
#[derive(Debug, Clone)]
pub struct Page {
    pub client: Client,
    /// `http://127.0.0.1:PORT` of the app.
    pub app_origin: String,
    /// `http://127.0.0.1:PORT` of the embed harness page.
    pub harness_origin: String,
    app_requests: Arc<Mutex<Vec<Request>>>,
    /// Set to take the app's server off the network (see [`Page::set_offline`]).
    app_offline: Arc<AtomicBool>,
    /// What reached the proxy: requests for any origin but the loopback servers.
    proxied: Arc<Mutex<Vec<Request>>>,
}

impl Page {
    /// Takes the app's server off the network (every connection closed unanswered) or puts it
    /// back: what a reader on a train sees.
    pub fn set_offline(&self, offline: bool) {
        self.app_offline.store(offline, Ordering::SeqCst);
    }

    /// The app's URL for a route such as `#/training/train-cost`.
    pub fn url(&self, route: &str) -> String {
        format!("{}/{route}", self.app_origin)
    }

    /// Opens a route of the app.
    pub async fn goto(&self, route: &str) -> Result<()> {
        let url = self.url(route);
        self.client.goto(&url).await.with_context(|| format!("cannot open {url}"))
    }

    /// Opens the embed harness page, which frames the app's embed route.
    pub async fn goto_harness(&self) -> Result<()> {
        self.client.goto(&format!("{}/", self.harness_origin)).await.context("cannot open the embed harness")
    }

    /// Opens the embed harness framing `route` (`#/embed/<widget>?…`) instead of the default.
    pub async fn goto_harness_route(&self, route: &str) -> Result<()> {
        // A new document each time: the harness reads its route (and resets the last height) on load.
        self.client.goto("about:blank").await?;
        let url = format!(
            "{}/#{}",
            self.harness_origin,
            url::form_urlencoded::byte_serialize(route.as_bytes()).collect::<String>()
        );
        self.client.goto(&url).await.with_context(|| format!("cannot open the embed harness for {route}"))
    }

    /// Lays the page out as a phone `width_px` wide would (headless Chromium's windows are at
    /// least 500 px wide, so the viewport is emulated through the DevTools protocol).
    pub async fn emulate_width(&self, width_px: u32) -> Result<()> {
        let params = json!({ "width": width_px, "height": 800, "deviceScaleFactor": 2, "mobile": true });
        let body = json!({ "cmd": "Emulation.setDeviceMetricsOverride", "params": params }).to_string();
        self.client.issue_cmd(Cdp { body }).await.context("chromedriver did not emulate the viewport")?;
        Ok(())
    }

    /// Asks the page for the dark colour scheme (`prefers-color-scheme: dark`), or the light.
    pub async fn emulate_scheme(&self, dark: bool) -> Result<()> {
        let params =
            json!({ "features": [{ "name": "prefers-color-scheme", "value": if dark { "dark" } else { "light" } }] });
        let body = json!({ "cmd": "Emulation.setEmulatedMedia", "params": params }).to_string();
        self.client.issue_cmd(Cdp { body }).await.context("chromedriver did not emulate the colour scheme")?;
        Ok(())
    }

    /// Lays the page out for print (`@media print`), or back for the screen.
    pub async fn emulate_print(&self, print: bool) -> Result<()> {
        let params = json!({ "media": if print { "print" } else { "" } });
        let body = json!({ "cmd": "Emulation.setEmulatedMedia", "params": params }).to_string();
        self.client.issue_cmd(Cdp { body }).await.context("chromedriver did not emulate print")?;
        Ok(())
    }

    /// Makes `localStorage` throw in every document this page loads from now on, as in a
    /// sandboxed frame or under blocked third-party storage.
    pub async fn block_storage(&self) -> Result<()> {
        let source = "Object.defineProperty(window, 'localStorage', { configurable: true, get() { \
                      throw new DOMException('storage is blocked here', 'SecurityError'); } });";
        let body =
            json!({ "cmd": "Page.addScriptToEvaluateOnNewDocument", "params": { "source": source } }).to_string();
        self.client.issue_cmd(Cdp { body }).await.context("chromedriver did not block storage")?;
        Ok(())
    }

    /// Takes the requests for other origins that reached the proxy so far (a test that makes
    /// one on purpose takes it, so that the end-of-test check does not count it).
    pub fn take_proxied(&self) -> Vec<Request> {
        std::mem::take(&mut *self.proxied.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Every request the app's server answered so far.
    pub fn app_requests(&self) -> Vec<Request> {
        self.app_requests.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Waits until an element matches `selector`, and returns it.
    pub async fn wait_for(&self, selector: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(Locator::Css(selector))
            .await
            .with_context(|| format!("no element matched `{selector}` within {} s", WAIT.as_secs()))
    }

    /// The number of elements that match `selector` now.
    pub async fn count(&self, selector: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(selector)).await?.len())
    }

    /// Waits for `selector`, then returns its text content, trimmed.
    pub async fn text(&self, selector: &str) -> Result<String> {
        self.wait_for_text(selector, |_| true).await
    }

    /// Waits until the text content of `selector` (trimmed) satisfies `accept`, and returns it.
    pub async fn wait_for_text(&self, selector: &str, accept: impl Fn(&str) -> bool) -> Result<String> {
        self.wait_for_text_within(selector, accept, WAIT).await
    }

    /// As [`Page::wait_for_text`], waiting up to `wait` (slow work: training on a software GPU).
    pub async fn wait_for_text_within(
        &self,
        selector: &str,
        accept: impl Fn(&str) -> bool,
        wait: Duration,
    ) -> Result<String> {
        let script = "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;";
        let deadline = Instant::now() + wait;
        let mut last = None;
        loop {
            let value = self.client.execute(script, vec![json!(selector)]).await?;
            if let Some(text) = value.as_str() {
                if accept(text) {
                    return Ok(text.to_string());
                }
                last = Some(text.to_string());
            }
            if Instant::now() > deadline {
                bail!(
                    "the text of `{selector}` did not become what was expected within {} s (last: {last:?})",
                    wait.as_secs()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Runs `script` (a function body that `return`s) until it returns something other than
    /// `null`, `undefined` or `false`, and returns that. `what` names the wait in the error.
    pub async fn wait_for_script(&self, what: &str, script: &str) -> Result<Value> {
        let deadline = Instant::now() + WAIT;
        loop {
            let value = self.client.execute(script, Vec::new()).await?;
            if !matches!(value, Value::Null | Value::Bool(false)) {
                return Ok(value);
            }
            if Instant::now() > deadline {
                bail!("timed out after {} s waiting for {what}", WAIT.as_secs());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The resources of the current document that are on neither the app's nor the harness's
    /// origin.
    pub async fn foreign_requests(&self) -> Result<Vec<String>> {
        foreign_requests(&self.client, &[&self.app_origin, &self.harness_origin]).await
    }

    /// The checks every test ends with: no console error, and no request to another origin, in
    /// the top document and in each of its frames.
    async fn after_test(&self) -> Result<()> {
        let log = browser_log(&self.client).await?;
        self.client.issue_cmd(TopFrame).await.context("cannot return to the top-level document")?;
        let mut foreign = self.foreign_requests().await?;
        let frames = self.client.execute("return window.frames.length;", Vec::new()).await?.as_u64().unwrap_or(0);
        for index in 0..frames {
            let index = u16::try_from(index).context("too many frames")?;
            self.client.enter_frame(index).await?;
            foreign.extend(self.foreign_requests().await?);
            self.client.issue_cmd(TopFrame).await?;
        }
        for entry in &log {
            eprintln!("console {} [{}] {}", entry.level, entry.source, entry.message);
        }
        let severe: Vec<String> =
            log.iter().filter(|entry| entry.level == "SEVERE").map(|entry| entry.message.clone()).collect();
        ensure!(severe.is_empty(), "the browser console has errors:\n  {}", severe.join("\n  "));
        ensure!(foreign.is_empty(), "requests left the page's origin: {foreign:?}");
        let proxied: Vec<String> = self
            .take_proxied()
            .into_iter()
            .filter(|r| !is_browser_service(&r.path))
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        ensure!(proxied.is_empty(), "requests for another origin reached the proxy (a worker's included): {proxied:?}");
        Ok(())
    }
}

/// Hosts Chromium itself calls whatever page is open (its clock, component updates, accounts,
/// autofill, the distribution's default search engine), which flags do not all silence. The app
/// has no reason to reach any of them, and its CSP would refuse it.
const BROWSER_SERVICE_HOSTS: [&str; 4] = ["google.com", "googleapis.com", "gstatic.com", "duckduckgo.com"];

/// Whether a proxied target (`http://host/…` or, for CONNECT, `host:443`) is one of the
/// browser's own services.
fn is_browser_service(target: &str) -> bool {
    let rest = target.split_once("://").map_or(target, |(_, rest)| rest);
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    BROWSER_SERVICE_HOSTS.iter().any(|service| host == *service || host.ends_with(&format!(".{service}")))
}

/// Runs one browser test: serves `FRONTIER_DIST` and the embed harness, opens a fresh Chromium,
/// runs `body`, checks the console and the requests, and closes everything whatever happened.
///
/// # Panics
///
/// When `FRONTIER_DIST` is not set (see [`dist_dir`]).
pub async fn run<F, Fut>(body: F) -> Result<()>
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    run_with_args(&[], body).await
}

/// As [`run`], with Chromium started with `extra_args` too (`--enable-unsafe-webgpu` gives
/// headless Chromium a WebGPU adapter: SwiftShader, on the CPU).
pub async fn run_with_args<F, Fut>(extra_args: &[&str], body: F) -> Result<()>
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    run_within(extra_args, TEST_LIMIT, body).await
}

/// As [`run_with_args`], with the body allowed `limit` instead of the usual three minutes.
pub async fn run_within<F, Fut>(extra_args: &[&str], limit: Duration, body: F) -> Result<()>
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let dist = dist_dir();
    let _turn = BROWSER_TURN.lock().await;
    let app = Server::files(&dist).await?;
    let harness = Server::page(harness_page(&app.origin)).await?;
    let trap = Server::trap().await?;
    let driver = Chromedriver::start().await?;
    let profile = TempDir::new("frontier-e2e-profile")?;
    let proxy = format!("--proxy-server={}", trap.origin);
    let args: Vec<&str> = extra_args.iter().copied().chain([proxy.as_str()]).collect();
    let client = connect(&driver, profile.path(), &args).await?;
    let page = Page {
        client: client.clone(),
        app_origin: app.origin.clone(),
        harness_origin: harness.origin.clone(),
        app_requests: Arc::clone(&app.requests),
        app_offline: Arc::clone(&app.offline),
        proxied: Arc::clone(&trap.requests),
    };

    // The body runs as its own task so that a panic in it comes back as an error here, and the
    // browser is still closed below.
    let mut task = tokio::spawn(body(page.clone()));
    let outcome = match tokio::time::timeout(limit, &mut task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join_error)) => Err(anyhow!("the test panicked: {}", panic_message(join_error))),
        Err(_) => {
            task.abort();
            Err(anyhow!("the test did not finish within {} s", limit.as_secs()))
        }
    };
    let checks = page.after_test().await;
    let closed = client.close().await;
    driver.stop().await;
    drop(profile);
    if outcome.is_err() {
        eprintln!("requests the app's server answered: {:#?}", app.requests());
    }
    outcome?;
    checks?;
    closed.context("the browser did not close cleanly")?;
    Ok(())
}

fn panic_message(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_string()),
        Err(error) => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_file_rules() {
        let rules =
            parse_headers_file("/*\n  Content-Security-Policy: default-src 'self'\n  X-A: b\n/x.js\n  X-B: c:d\n");
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].1[0], ("Content-Security-Policy".to_string(), "default-src 'self'".to_string()));
        assert_eq!(rules[1], ("/x.js".to_string(), vec![("X-B".to_string(), "c:d".to_string())]));
    }

    #[test]
    fn the_browsers_own_services_are_told_apart() {
        assert!(is_browser_service("update.googleapis.com:443"));
        assert!(is_browser_service("http://clients2.google.com/time/1/current?x=1"));
        assert!(!is_browser_service("http://worker-request.invalid/probe"));
        assert!(!is_browser_service("evilgoogle.com:443"));
        assert!(!is_browser_service("http://google.com.evil.example/"));
    }

    #[test]
    fn paths_and_types() {
        assert_eq!(percent_decode("/a%20b.js").as_deref(), Some("/a b.js"));
        assert_eq!(percent_decode("/bad%2"), None);
        assert_eq!(content_type(Path::new("x_bg.wasm")), "application/wasm");
        assert_eq!(content_type(Path::new("x.js")), "text/javascript; charset=utf-8");
    }
}

//! A small HTTP/1.1 server on 127.0.0.1 for the remote tests: git's smart
//! HTTP protocol through `git http-backend` (run as a CGI program), static
//! files under `/raw/`, a path that answers slowly (`/slow/`), and a
//! refusal of proxy `CONNECT` requests (so clients that try the real
//! internet through the test proxy fail at once). It counts the requests
//! it serves, and stops when dropped.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Shared {
    git_root: PathBuf,
    raw_root: PathBuf,
    stop: AtomicBool,
    requests: Mutex<Vec<String>>,
    connects: AtomicUsize,
}

impl Server {
    /// Serves the bare repositories under `git_root` and the files under
    /// `raw_root`.
    pub fn start(git_root: PathBuf, raw_root: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let shared = Arc::new(Shared {
            git_root,
            raw_root,
            stop: AtomicBool::new(false),
            requests: Mutex::new(Vec::new()),
            connects: AtomicUsize::new(0),
        });
        let serving = Arc::clone(&shared);
        let thread = std::thread::spawn(move || accept_loop(&listener, &serving));
        Server {
            base,
            shared,
            thread: Some(thread),
        }
    }

    /// The paths requested so far (method and path with query).
    pub fn requests(&self) -> Vec<String> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Forgets the requests counted so far.
    pub fn reset(&self) {
        self.shared.requests.lock().unwrap().clear();
    }

    /// How many `CONNECT` (proxy) requests were refused.
    pub fn connects(&self) -> usize {
        self.shared.connects.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let shared = Arc::clone(shared);
                std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

struct Request {
    method: String,
    target: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let body = if headers
        .get("transfer-encoding")
        .is_some_and(|v| v == "chunked")
    {
        read_chunked(reader)?
    } else {
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        body
    };
    Ok(Some(Request {
        method,
        target,
        headers,
        body,
    }))
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk)?;
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

fn serve(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut stream = stream;
    let Some(request) = read_request(&mut reader)? else {
        return Ok(());
    };
    if request.method == "CONNECT" {
        shared.connects.fetch_add(1, Ordering::SeqCst);
        return respond(&mut stream, "403 Forbidden", &[], b"no internet in tests\n");
    }
    shared
        .requests
        .lock()
        .unwrap()
        .push(format!("{} {}", request.method, request.target));
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    if let Some(file) = path.strip_prefix("/raw/") {
        return match std::fs::read(shared.raw_root.join(file)) {
            Ok(body) => respond(&mut stream, "200 OK", &[], &body),
            Err(_) => respond(&mut stream, "404 Not Found", &[], b"not found\n"),
        };
    }
    if let Some(rest) = path.strip_prefix("/slow") {
        std::thread::sleep(Duration::from_secs(8));
        let _ = rest;
        return respond(&mut stream, "404 Not Found", &[], b"too late\n");
    }
    let (status, headers, body) = cgi(shared, &request, path, query)?;
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    respond(&mut stream, &status, &headers, &body)
}

/// A CGI program's answer: status line, headers and body.
type CgiAnswer = (String, Vec<(String, String)>, Vec<u8>);

/// Runs `git http-backend` for one request.
fn cgi(shared: &Shared, request: &Request, path: &str, query: &str) -> std::io::Result<CgiAnswer> {
    let header = |name: &str| request.headers.get(name).cloned().unwrap_or_default();
    let mut child = Command::new("git")
        .arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_PROJECT_ROOT", &shared.git_root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", &shared.git_root)
        .env("REQUEST_METHOD", &request.method)
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        .env("CONTENT_TYPE", header("content-type"))
        .env("CONTENT_LENGTH", request.body.len().to_string())
        .env("HTTP_CONTENT_ENCODING", header("content-encoding"))
        .env("GIT_PROTOCOL", header("git-protocol"))
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdin = child.stdin.take().unwrap();
    let body = request.body.clone();
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let output = child.wait_with_output()?;
    let _ = writer.join();
    let out = output.stdout;
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| out.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)));
    let Some((end, sep)) = split else {
        return Ok(("500 Internal Server Error".into(), Vec::new(), out));
    };
    let mut status = "200 OK".to_string();
    let mut headers = Vec::new();
    for line in String::from_utf8_lossy(&out[..end]).lines() {
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("status") {
                status = value.trim().to_string();
            } else {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
    }
    Ok((status, headers, out[end + sep..].to_vec()))
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

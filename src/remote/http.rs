//! HTTP(S) file resources, fetched with `ureq` (blocking, rustls, the
//! platform's trust store). Proxies follow Go's rules, which kustomize's
//! client applies: `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for http
//! ones, `NO_PROXY` exceptions, and never a proxy for loopback hosts.

use std::time::Duration;

/// The most a file resource may hold.
pub const SIZE_LIMIT: u64 = 256 << 20;

/// The longest a whole request may take (kustomize's client has no limit;
/// a hung server should not hang a build forever).
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// What a server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A 2xx answer and its body.
    Body(Vec<u8>),
    /// Any other status.
    Status(u16),
}

/// GETs `url`, following redirects.
pub fn get(url: &str) -> Result<Answer, String> {
    let scheme = url.split_once("://").map_or("", |(s, _)| s);
    let host = host_of(url);
    let proxy = proxy_for(scheme, &host, &|name| std::env::var(name).ok())
        .map(|p| ureq::Proxy::new(&p).map_err(|e| format!("invalid proxy setting: {e}")))
        .transpose()?;
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT))
        .timeout_connect(Some(Duration::from_secs(30)))
        .proxy(proxy)
        .tls_config(tls)
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Ok(Answer::Status(status));
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(SIZE_LIMIT)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => {
                format!("the body is larger than {} MiB", SIZE_LIMIT >> 20)
            }
            other => other.to_string(),
        })?;
    Ok(Answer::Body(body))
}

/// The host of an http(s) URL, without user information or port.
fn host_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(bracketed) = host_port.strip_prefix('[') {
        return bracketed.split(']').next().unwrap_or_default().to_string();
    }
    host_port
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The proxy Go's `ProxyFromEnvironment` picks for a request to `host`.
fn proxy_for(scheme: &str, host: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let pick = |upper: &str| {
        env(upper)
            .or_else(|| env(&upper.to_ascii_lowercase()))
            .filter(|v| !v.is_empty())
    };
    let proxy = match scheme.to_ascii_lowercase().as_str() {
        "https" => pick("HTTPS_PROXY"),
        "http" => pick("HTTP_PROXY"),
        _ => None,
    }?;
    if is_loopback(host) || no_proxy_matches(&pick("NO_PROXY").unwrap_or_default(), host) {
        return None;
    }
    Some(proxy)
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `NO_PROXY`: comma-separated hosts or domain suffixes (`.example.com`
/// or `example.com` both cover subdomains), or `*` for everything.
fn no_proxy_matches(no_proxy: &str, host: &str) -> bool {
    no_proxy
        .split(',')
        .map(|entry| entry.trim().to_ascii_lowercase())
        .filter(|entry| !entry.is_empty())
        .any(|entry| {
            let entry = entry.split(':').next().unwrap_or_default();
            let domain = entry.trim_start_matches("*.").trim_start_matches('.');
            entry == "*" || host == domain || host.ends_with(&format!(".{domain}"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn proxies_by_scheme_with_exceptions() {
        let vars = [
            ("HTTPS_PROXY", "http://proxy:3128"),
            ("http_proxy", "http://plain:80"),
            ("NO_PROXY", "internal.example, .corp"),
        ];
        let e = env(&vars);
        assert_eq!(
            proxy_for("https", "example.com", &e).as_deref(),
            Some("http://proxy:3128")
        );
        assert_eq!(
            proxy_for("http", "example.com", &e).as_deref(),
            Some("http://plain:80")
        );
        for direct in [
            "internal.example",
            "a.internal.example",
            "x.corp",
            "127.0.0.1",
            "localhost",
        ] {
            assert_eq!(proxy_for("https", direct, &e), None, "{direct}");
        }
        assert_eq!(
            proxy_for(
                "https",
                "a.b",
                &env(&[("NO_PROXY", "*"), ("HTTPS_PROXY", "p")])
            ),
            None
        );
        assert_eq!(proxy_for("https", "a.b", &env(&[])), None);
    }

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://user:pw@Example.com:8443/x?y"),
            "example.com"
        );
        assert_eq!(host_of("http://127.0.0.1:8080/a"), "127.0.0.1");
        assert_eq!(host_of("http://[::1]:80/"), "::1");
    }
}

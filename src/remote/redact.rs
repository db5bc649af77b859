//! Keeping credentials out of messages: URLs may carry tokens in their
//! user part (`https://x-access-token:SECRET@host/...`), and git's own
//! messages may repeat them.

/// `text` with the user part of every `scheme://user@host` URL replaced by
/// `***`, and with the value of every credential-like environment variable
/// (see [`is_secret_name`]) replaced too. scp-like `git@host:` users are
/// names, not secrets, and are kept.
pub fn redact(text: &str) -> String {
    let mut out = redact_userinfo(text);
    for (name, value) in std::env::vars() {
        if value.len() >= 6 && is_secret_name(&name) && out.contains(&value) {
            out = out.replace(&value, "***");
        }
    }
    out
}

/// Environment variables whose values are treated as secrets.
fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "TOKEN",
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "CREDENTIAL",
        "_KEY",
        "AUTH",
    ]
    .iter()
    .any(|word| upper.contains(word))
}

/// Replaces the user information of URLs (between `://` and the `@`
/// before the next `/`) with `***`.
fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"')
            .unwrap_or(tail.len());
        match tail[..authority_end].rfind('@') {
            Some(at) => {
                out.push_str("***");
                rest = &tail[at..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// One line: git's multi-line messages joined with `; `, blank lines and
/// `hint:` lines dropped.
pub fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("hint:"))
        .collect();
    lines.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_hidden() {
        assert_eq!(
            redact_userinfo("fetch https://user:s3cret@host/org/repo failed"),
            "fetch https://***@host/org/repo failed"
        );
        assert_eq!(
            redact_userinfo("'https://tok@h/x' and ssh://git@h2/y"),
            "'https://***@h/x' and ssh://***@h2/y"
        );
        assert_eq!(
            redact_userinfo("git@github.com:org/repo and https://h/a@b"),
            "git@github.com:org/repo and https://h/a@b"
        );
    }

    #[test]
    fn lines_are_joined() {
        assert_eq!(
            one_line("fatal: a\n\nhint: do x\nerror: b\n"),
            "fatal: a; error: b"
        );
    }

    #[test]
    fn secret_names() {
        assert!(is_secret_name("GITHUB_TOKEN"));
        assert!(is_secret_name("git_password"));
        assert!(!is_secret_name("HOME"));
    }
}

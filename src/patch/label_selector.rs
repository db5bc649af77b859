//! Kubernetes label-selector expressions (`app=web,tier!=db`, `env in
//! (a,b)`, `!legacy`), parsed and matched with the rules of the selector
//! library kustomize embeds: requirements joined by commas, all of which
//! must hold.

use anyhow::{anyhow, bail, Result};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// A parsed selector: every requirement must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    key: String,
    op: Operator,
    values: BTreeSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    /// `=`, `==` and `in`.
    In,
    /// `!=` and `notin`.
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

impl LabelSelector {
    /// Parses a selector; the empty string selects everything.
    pub fn parse(text: &str) -> Result<LabelSelector> {
        let tokens = lex(text)?;
        let mut parser = Parser { tokens, pos: 0 };
        let requirements = parser.parse_all()?;
        Ok(LabelSelector { requirements })
    }

    /// True when every requirement holds for `get` (a label lookup).
    pub fn matches<'a>(&self, get: impl Fn(&str) -> Option<Cow<'a, str>>) -> bool {
        self.requirements.iter().all(|r| r.matches(&get))
    }
}

impl Requirement {
    fn matches<'a>(&self, get: &impl Fn(&str) -> Option<Cow<'a, str>>) -> bool {
        let found = get(&self.key);
        let found = found.as_deref();
        match self.op {
            Operator::In => found.is_some_and(|v| self.values.contains(v)),
            Operator::NotIn => found.is_none_or(|v| !self.values.contains(v)),
            Operator::Exists => found.is_some(),
            Operator::DoesNotExist => found.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(actual), Some(limit)) = (
                    found.and_then(|v| v.parse::<i64>().ok()),
                    self.values
                        .iter()
                        .next()
                        .and_then(|v| v.parse::<i64>().ok()),
                ) else {
                    return false;
                };
                if self.op == Operator::GreaterThan {
                    actual > limit
                } else {
                    actual < limit
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    End,
    OpenParen,
    CloseParen,
    Comma,
    Not,
    DoubleEquals,
    Equals,
    NotEquals,
    Greater,
    Less,
    In,
    NotIn,
    Ident(String),
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::End => String::new(),
            Token::OpenParen => "(".into(),
            Token::CloseParen => ")".into(),
            Token::Comma => ",".into(),
            Token::Not => "!".into(),
            Token::DoubleEquals => "==".into(),
            Token::Equals => "=".into(),
            Token::NotEquals => "!=".into(),
            Token::Greater => ">".into(),
            Token::Less => "<".into(),
            Token::In => "in".into(),
            Token::NotIn => "notin".into(),
            Token::Ident(s) => s.clone(),
        }
    }

    /// In value position the keywords are plain identifiers.
    fn into_value(self) -> Token {
        match self {
            Token::In => Token::Ident("in".into()),
            Token::NotIn => Token::Ident("notin".into()),
            other => other,
        }
    }
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn symbol(text: &[u8]) -> Option<Token> {
    Some(match text {
        b"(" => Token::OpenParen,
        b")" => Token::CloseParen,
        b"," => Token::Comma,
        b"!" => Token::Not,
        b"==" => Token::DoubleEquals,
        b"=" => Token::Equals,
        b"!=" => Token::NotEquals,
        b">" => Token::Greater,
        b"<" => Token::Less,
        _ => return None,
    })
}

/// Splits the text into tokens. Runs of symbol characters are read
/// greedily as long as they still form a known symbol.
fn lex(text: &str) -> Result<Vec<Token>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if i == bytes.len() {
            tokens.push(Token::End);
            return Ok(tokens);
        }
        let start = i;
        if is_special(bytes[i]) {
            let mut best = None;
            while i < bytes.len() && is_special(bytes[i]) {
                match symbol(&bytes[start..=i]) {
                    Some(t) => best = Some((t, i + 1)),
                    None if best.is_some() => break,
                    None => {}
                }
                i += 1;
            }
            let (token, end) = best.ok_or_else(|| {
                anyhow!(
                    "error expected: keyword found '{}'",
                    String::from_utf8_lossy(&bytes[start..i])
                )
            })?;
            tokens.push(token);
            i = end;
            continue;
        }
        while i < bytes.len() && !is_special(bytes[i]) && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        tokens.push(match &text[start..i] {
            "in" => Token::In,
            "notin" => Token::NotIn,
            word => Token::Ident(word.to_string()),
        });
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Token {
        self.tokens[self.pos].clone().into_value()
    }

    fn next_raw(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn next_value(&mut self) -> Token {
        self.next_raw().into_value()
    }

    fn parse_all(&mut self) -> Result<Vec<Requirement>> {
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Token::End => break,
                Token::Ident(_) | Token::Not => {}
                other => bail!(
                    "found '{}', expected: !, identifier, or 'end of string'",
                    other.text()
                ),
            }
            out.push(
                self.parse_requirement()
                    .map_err(|e| anyhow!("unable to parse requirement: {e}"))?,
            );
            match self.next_value() {
                Token::End => break,
                Token::Comma => match self.peek() {
                    Token::Ident(_) | Token::Not => {}
                    other => bail!("found '{}', expected: identifier after ','", other.text()),
                },
                other => bail!("found '{}', expected: ',' or 'end of string'", other.text()),
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    fn parse_requirement(&mut self) -> Result<Requirement> {
        let mut token = self.next_value();
        let negated = token == Token::Not;
        if negated {
            token = self.next_value();
        }
        let Token::Ident(key) = token else {
            bail!("found '{}', expected: identifier", token.text());
        };
        validate_key(&key)?;
        let bare = matches!(self.peek(), Token::End | Token::Comma);
        if negated || bare {
            let op = if negated {
                Operator::DoesNotExist
            } else {
                Operator::Exists
            };
            return Ok(Requirement {
                key,
                op,
                values: BTreeSet::new(),
            });
        }
        let (op, values) = match self.next_raw() {
            Token::In => (Operator::In, self.parse_list()?),
            Token::NotIn => (Operator::NotIn, self.parse_list()?),
            Token::Equals | Token::DoubleEquals => (Operator::In, self.parse_exact()?),
            Token::NotEquals => (Operator::NotIn, self.parse_exact()?),
            Token::Greater => (Operator::GreaterThan, self.parse_exact()?),
            Token::Less => (Operator::LessThan, self.parse_exact()?),
            other => bail!(
                "found '{}', expected: '=', '!=', '==', 'in', notin'",
                other.text()
            ),
        };
        if matches!(op, Operator::GreaterThan | Operator::LessThan)
            && values.iter().any(|v| v.parse::<i64>().is_err())
        {
            bail!("for 'Gt', 'Lt' operators, the value must be an integer");
        }
        for v in &values {
            validate_value(&key, v)?;
        }
        Ok(Requirement { key, op, values })
    }

    fn parse_exact(&mut self) -> Result<BTreeSet<String>> {
        if matches!(self.peek(), Token::End | Token::Comma) {
            return Ok(BTreeSet::from([String::new()]));
        }
        match self.next_value() {
            Token::Ident(v) => Ok(BTreeSet::from([v])),
            other => bail!("found '{}', expected: identifier", other.text()),
        }
    }

    /// `( a, b, ... )`, where empty entries stand for the empty value.
    fn parse_list(&mut self) -> Result<BTreeSet<String>> {
        let open = self.next_value();
        if open != Token::OpenParen {
            bail!("found '{}' expected: '('", open.text());
        }
        let mut values = BTreeSet::new();
        if self.peek() == Token::CloseParen {
            self.next_value();
            values.insert(String::new());
            return Ok(values);
        }
        let mut expect_value = true;
        loop {
            match self.next_value() {
                Token::Ident(v) if expect_value => {
                    values.insert(v);
                    expect_value = false;
                }
                Token::Comma => {
                    if expect_value {
                        values.insert(String::new());
                    }
                    expect_value = true;
                }
                Token::CloseParen => {
                    if expect_value {
                        values.insert(String::new());
                    }
                    return Ok(values);
                }
                other => bail!("found '{}', expected: ',', or identifier", other.text()),
            }
        }
    }
}

/// A label key: an optional DNS subdomain prefix and `/`, then a name of
/// at most 63 alphanumerics, `-`, `_` and `.`, starting and ending with an
/// alphanumeric.
fn validate_key(key: &str) -> Result<()> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
    });
    if !prefix_ok || name.contains('/') || !is_qualified_name(name) {
        bail!("invalid label key \"{key}\": must be a qualified name with an optional DNS subdomain prefix");
    }
    Ok(())
}

fn validate_value(key: &str, value: &str) -> Result<()> {
    if !value.is_empty() && !is_qualified_name(value) {
        bail!("invalid label value: \"{value}\": at key: \"{key}\": must be 63 characters or less, alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
    }
    Ok(())
}

fn is_qualified_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn matches(selector: &str, labels: &[(&str, &str)]) -> bool {
        let map: HashMap<&str, &str> = labels.iter().copied().collect();
        LabelSelector::parse(selector)
            .unwrap()
            .matches(|k| map.get(k).map(|v| Cow::Borrowed(*v)))
    }

    #[test]
    fn equality_and_inequality() {
        assert!(matches("app=web", &[("app", "web")]));
        assert!(matches("app==web", &[("app", "web")]));
        assert!(!matches("app=web", &[("app", "db")]));
        assert!(matches("app!=web", &[]));
        assert!(!matches("app!=web", &[("app", "web")]));
        assert!(matches("a=1, b=2", &[("a", "1"), ("b", "2")]));
        assert!(!matches("a=1,b=2", &[("a", "1")]));
        assert!(matches("", &[]));
    }

    #[test]
    fn sets_and_existence() {
        assert!(matches("env in (dev, prod)", &[("env", "prod")]));
        assert!(!matches("env in (dev,prod)", &[]));
        assert!(matches("env notin (dev)", &[]));
        assert!(!matches("env notin (dev)", &[("env", "dev")]));
        assert!(matches("env", &[("env", "")]));
        assert!(matches("!env", &[]));
        assert!(!matches("!env", &[("env", "x")]));
        assert!(matches("x in (in,notin)", &[("x", "notin")]));
        assert!(matches("n>3", &[("n", "4")]));
        assert!(!matches("n<3", &[("n", "4")]));
    }

    #[test]
    fn malformed_selectors_are_errors() {
        for bad in [
            "app=",
            "=web",
            "app in web",
            "app=web,",
            "app=(x",
            "-bad=1",
            "a=b c",
        ] {
            let parsed = LabelSelector::parse(bad);
            // `app=` is valid: it matches the empty value.
            if bad == "app=" {
                assert!(parsed.is_ok());
            } else {
                assert!(parsed.is_err(), "{bad} should fail");
            }
        }
    }
}

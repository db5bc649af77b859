//! Tests of the key/value sources. Every expectation was measured with
//! `kubectl kustomize` (kustomize v5.5.0); the output relied on is quoted.

use super::*;
use anyhow::Result;

fn pairs(list: &[(&str, &str)]) -> Vec<KvPair> {
    list.iter().map(|(k, v)| KvPair::new(*k, *v)).collect()
}

#[test]
fn env_file_comments_blanks_spaces_quotes_and_missing_equals() {
    // H has no `=`; kubectl was run with H=fromenv in its environment and
    // still printed `H: ""`. `=novalue` was dropped.
    let content = b"# comment\n   # indented comment\n\n   \nA=1\n  B=2\nC = 3\nD=  4  \n\
E=\"quoted\"\nF='sq'\nexport G=7\nH\nI=a=b\n=novalue\nJ=x\r\nK=y\tz\n";
    // kubectl:  A: "1"  B: "2"  'C ': ' 3'  D: '  4  '  E: '"quoted"'
    //           F: '''sq'''  H: ""  I: a=b  J: x  K: "y\tz"  export G: "7"
    let expected = pairs(&[
        ("A", "1"),
        ("B", "2"),
        ("C ", " 3"),
        ("D", "  4  "),
        ("E", "\"quoted\""),
        ("F", "'sq'"),
        ("export G", "7"),
        ("H", ""),
        ("I", "a=b"),
        ("J", "x"),
        ("K", "y\tz"),
    ]);
    assert_eq!(parse_env_file(content).unwrap(), expected);
}

#[test]
fn env_file_bom_unicode_space_and_carriage_returns() {
    let content = b"\xef\xbb\xbfA=1\n\xef\xbb\xbfB=2\n\xc2\xa0C=3\n\x0b\x0cD=4\nE=1\r2\rF=3\n\
\xc2\x85G=5\nH=last\r";
    // kubectl: "\uFEFF\x42": "2"  A: "1"  C: "3"  D: "4"  E: "1\r2\rF=3"
    //          G: "5"  H: last
    let expected = pairs(&[
        ("A", "1"),
        ("\u{feff}B", "2"),
        ("C", "3"),
        ("D", "4"),
        ("E", "1\r2\rF=3"),
        ("G", "5"),
        ("H", "last"),
    ]);
    assert_eq!(parse_env_file(content).unwrap(), expected);
}

#[test]
fn env_file_invalid_utf8_fails_even_in_a_comment() {
    // kubectl: line [35 32 98 97 100 32 255] has invalid utf8 bytes : # bad \xff
    let err = parse_env_file(b"A=1\n# bad \xff\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("line [35 32 98 97 100 32 255] has invalid utf8 bytes : # bad "),
        "{err}"
    );
}

#[test]
fn env_file_stops_silently_at_an_overlong_line() {
    let with_value = |n: usize, end: &str| format!("A=1\nB={}{end}C=3\n", "x".repeat(n));
    let keys = |text: String| -> Vec<String> {
        parse_env_file(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|p| p.key)
            .collect()
    };
    // Measured: a 65535-byte line (`B=` + 65533) is read, and so is a
    // 65534-byte one followed by CRLF; 65536 bytes (or 65535 plus `\r`)
    // drop that line and all later ones.
    assert_eq!(keys(with_value(65533, "\n")), ["A", "B", "C"]);
    assert_eq!(keys(with_value(65532, "\r\n")), ["A", "B", "C"]);
    assert_eq!(keys(with_value(65534, "\n")), ["A"]);
    assert_eq!(keys(with_value(65533, "\r\n")), ["A"]);
    // No final newline: 65536 bytes at the end of the file are dropped too.
    let last = format!("A=1\nB={}", "x".repeat(65534));
    assert_eq!(keys(last), ["A"]);
}

#[test]
fn literals_split_at_first_equals_and_lose_matching_quotes() {
    // kubectl: a: b=c  q1: dq  q2: sq  q3: '"mis'''  q4: '"'  q5: ""
    //          q6: a"b  sp key: v  ' lead': x  empty: ""  nl: a\nb
    let cases = [
        ("a=b=c", "a", "b=c"),
        ("q1=\"dq\"", "q1", "dq"),
        ("q2='sq'", "q2", "sq"),
        ("q3=\"mis'", "q3", "\"mis'"),
        ("q4=\"", "q4", "\""),
        ("q5=''", "q5", ""),
        ("q6=\"a\"b\"", "q6", "a\"b"),
        ("sp key=v", "sp key", "v"),
        (" lead=x", " lead", "x"),
        ("empty=", "empty", ""),
        ("nl=a\\nb", "nl", "a\\nb"),
        ("mixed=x\ny", "mixed", "x\ny"),
        ("u=héllo ✓", "u", "héllo ✓"),
    ];
    for (source, key, value) in cases {
        assert_eq!(
            parse_literal(source).unwrap(),
            (key.to_string(), value.to_string()),
            "{source}"
        );
    }
}

#[test]
fn literal_errors() {
    // kubectl: invalid literal source =v, expected key=value
    for source in ["=v", "novalue", "", "="] {
        let err = parse_literal(source).unwrap_err().to_string();
        assert_eq!(
            err,
            format!("invalid literal source {source}, expected key=value")
        );
    }
}

#[test]
fn file_sources() {
    let ok = |s: &str| parse_file_source(s).unwrap();
    let pair = |k: &str, p: &str| (k.to_string(), p.to_string());
    assert_eq!(ok("sub/x.txt"), pair("x.txt", "sub/x.txt"));
    assert_eq!(ok("k=sub/x.txt"), pair("k", "sub/x.txt"));
    assert_eq!(ok("sub/x.txt/"), pair("x.txt", "sub/x.txt/"));
    assert_eq!(ok("k y=sub/x.txt"), pair("k y", "sub/x.txt"));
    assert_eq!(ok("/abs/x.txt"), pair("x.txt", "/abs/x.txt"));
    assert_eq!(ok(""), pair(".", ""));
    let err = |s: &str| parse_file_source(s).unwrap_err().to_string();
    assert_eq!(
        err("=sub/x.txt"),
        r#"missing key name for file path "sub/x.txt" in source "=sub/x.txt""#
    );
    assert_eq!(
        err("k="),
        r#"missing file path for key name "k" in source "k=""#
    );
    assert_eq!(
        err("a=b=c"),
        r#"source "a=b=c" key name or file path contains '='"#
    );
}

fn fake_files(path: &str) -> Result<Vec<u8>> {
    match path {
        "a.env" => Ok(b"A=1\n".to_vec()),
        "x.txt" => Ok(b"hello\n".to_vec()),
        "b.bin" => Ok(vec![0xff, 0xfe, 0x00]),
        _ => anyhow::bail!("no file {path}"),
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn load_order_is_envs_then_literals_then_files() {
    let (envs, literals, files) = (strings(&["a.env"]), strings(&["L=2"]), strings(&["x.txt"]));
    let sources = KvSources {
        literals: &literals,
        files: &files,
        envs: &envs,
    };
    let got = load_pairs(sources, &fake_files).unwrap();
    let keys: Vec<&str> = got.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["A", "L", "x.txt"]);
    assert_eq!(got[2].value, b"hello\n");
}

#[test]
fn load_errors_carry_kustomize_prefixes() {
    let run = |literals: &[&str], files: &[&str], envs: &[&str]| {
        let (l, f, e) = (strings(literals), strings(files), strings(envs));
        let sources = KvSources {
            literals: &l,
            files: &f,
            envs: &e,
        };
        format!("{:#}", load_pairs(sources, &fake_files).unwrap_err())
    };
    // kubectl: loading KV pairs: literal sources [=v]: invalid literal source =v, expected key=value
    assert_eq!(
        run(&["=v"], &[], &[]),
        "loading KV pairs: literal sources [=v]: invalid literal source =v, expected key=value"
    );
    // kubectl: loading KV pairs: file sources: [a=b=c]: source "a=b=c" key name or file path contains '='
    assert_eq!(
        run(&[], &["a=b=c"], &[]),
        "loading KV pairs: file sources: [a=b=c]: source \"a=b=c\" key name or file path contains '='"
    );
    assert_eq!(
        run(&[], &["x.txt", "nope"], &[]),
        "loading KV pairs: file sources: [x.txt nope]: no file nope"
    );
    assert_eq!(
        run(&[], &[], &["nope.env"]),
        "loading KV pairs: env source files: [nope.env]: no file nope.env"
    );
}

#[test]
fn repeated_keys_are_errors() {
    // kubectl: configmap l illegally repeats the key `k`
    let err = unique_pairs("l", pairs(&[("k", "1"), ("k", "2")])).unwrap_err();
    assert_eq!(err.to_string(), "configmap l illegally repeats the key `k`");
    let ok = unique_pairs("l", pairs(&[("b", "1"), ("a", "2")])).unwrap();
    assert_eq!(ok.keys().collect::<Vec<_>>(), ["a", "b"]);
}

use super::*;
use crate::yaml::PathStep;

fn parse(text: &str) -> Vec<Value> {
    parse_documents(text, Path::new("r.yaml")).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn parse_err(text: &str) -> YamlError {
    match parse_documents(text, Path::new("r.yaml")) {
        Ok(v) => panic!("{text:?}: expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn names(docs: &[Value]) -> Vec<&str> {
    docs.iter()
        .map(|d| d.str_at(&["kind"]).unwrap_or("?"))
        .collect()
}

#[test]
fn empty_and_comment_only_documents_are_dropped() {
    assert!(parse("").is_empty());
    assert!(parse("# only a comment\n").is_empty());
    assert!(parse("---\n---\n").is_empty());
    assert!(parse("~\n").is_empty());
    let docs = parse("---\nkind: A\n---\n# c\n---\n\n---\nkind: B\n...\n");
    assert_eq!(names(&docs), ["A", "B"]);
}

#[test]
fn bom_and_crlf_are_accepted() {
    let docs = parse("\u{FEFF}kind: A\r\nx: \"a\r\n  b\"\r\n---\r\nkind: B\r\n");
    assert_eq!(names(&docs), ["A", "B"]);
    assert_eq!(docs[0].str_at(&["x"]), Some("a b"));
}

#[test]
fn only_the_first_document_of_a_piece_counts() {
    let docs = parse("kind: A\n...\nkind: B\n");
    assert_eq!(names(&docs), ["A"]);
}

#[test]
fn scalar_and_sequence_roots_are_returned() {
    let docs = parse("hello\n---\n- 1\n- 2\n");
    assert_eq!(docs[0], Value::String("hello".into()));
    assert_eq!(
        docs[1],
        Value::Seq(vec![Value::Int(1), Value::Int(2)].into())
    );
}

#[test]
fn escaped_single_quote_is_accepted_in_double_quotes() {
    let docs = parse("a: \"it\\'s é \\'x\\'\"\nb: \"\\'\"\nc: 'q\\'\n");
    assert_eq!(docs[0].str_at(&["a"]), Some("it's é 'x'"));
    assert_eq!(docs[0].str_at(&["b"]), Some("'"));
    assert_eq!(docs[0].str_at(&["c"]), Some("q\\"));
    parse_err("a: \"\\q\"\n");
}

#[test]
fn raw_nel_is_a_line_break() {
    let docs = parse("# c\u{85}a: x\nb: |\n  1\u{85}  2\nc: \"p\u{85}q\"\n");
    assert_eq!(docs[0].str_at(&["a"]), Some("x"));
    assert_eq!(docs[0].str_at(&["b"]), Some("1\n2\n"));
    assert_eq!(docs[0].str_at(&["c"]), Some("p q"));
    parse_err("a: |\n  1\u{85}2\n");
}

#[test]
fn separator_lines_with_content_are_errors() {
    let err = parse_err("kind: A\n---x\nkind: B\n");
    assert_eq!(err.location, Some((2, 1)));
    assert!(err.message.contains("invalid document separator: ---x"));
    parse("kind: A\n--- # comment\nkind: B\n");
}

#[test]
fn directives_are_errors() {
    let err = parse_err("%YAML 1.1\n---\nkind: A\n");
    assert_eq!(err.location, Some((1, 1)));
    parse_err("# c\n%TAG ! tag:x,2000:\n---\nkind: A\n");
}

#[test]
fn errors_carry_file_line_and_column() {
    let err = parse_err("kind: A\n---\nkind: B\nx:\n  y: z\n k: v\n");
    assert_eq!(err.file, Path::new("r.yaml"));
    let (line, _) = err.location.unwrap();
    assert!((5..=6).contains(&line), "{err}");
    let err = parse_err("kind: A\n---\nkind: B\nkind: C\n");
    assert_eq!(err.location, Some((4, 1)));
    assert!(err.to_string().starts_with("r.yaml:4:1: "));
    let err = parse_err("a: 1\nb: \"x\u{1}\"\n");
    assert_eq!(err.location, Some((2, 6)));
}

#[test]
fn syntax_errors_are_reported() {
    parse_err("a: [1, 2\n");
    parse_err("a: b: c\n");
    parse_err("- a\nb: c\n");
    parse_err("a: \"unterminated\n");
}

#[test]
fn lenient_last_duplicate_wins_and_first_document_only() {
    let file = Path::new("kustomization.yaml");
    let docs =
        parse_documents_lenient("namePrefix: x-\nnamePrefix: y-\n---\nb: 1\n", file).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].str_at(&["namePrefix"]), Some("y-"));
    let docs = parse_documents_lenient("%YAML 1.1\n---\na: yes\n", file).unwrap();
    assert_eq!(docs[0].get("a"), Some(&Value::Bool(true)));
    assert!(parse_documents_lenient("# nothing\n", file)
        .unwrap()
        .is_empty());
    assert!(parse_documents_lenient("a: [\n", file).is_err());
}

#[test]
fn bare_nulls_are_noted_with_their_paths() {
    let text = "a:\nb: null\nc:\n  - x:\n    y: ~\n    z: !!null\nd: {e: }\n---\nk: v\n";
    let docs = parse_documents_noting_bare_nulls(text, Path::new("r.yaml")).unwrap();
    let key = |k: &str| PathStep::Key(k.to_string());
    assert_eq!(
        docs[0].1,
        vec![
            vec![key("a")],
            vec![key("c"), PathStep::Index(0), key("x")],
            vec![key("c"), PathStep::Index(0), key("z")],
        ]
    );
    assert!(docs[1].1.is_empty());
}

#[test]
fn block_scalar_on_an_unterminated_last_line_has_no_final_break() {
    let data = |text: &str| parse(text)[0].str_at(&["a"]).map(str::to_string);
    assert_eq!(data("a: |\n  x\n  y").as_deref(), Some("x\ny"));
    assert_eq!(data("a: |+\n  x").as_deref(), Some("x"));
    assert_eq!(data("a: |\n  x\n").as_deref(), Some("x\n"));
}

#[test]
fn block_scalar_ending_on_an_unterminated_blank_line() {
    let data = |text: &str| parse(text)[0].str_at(&["a"]).map(str::to_string);
    // A blank last line at the block's indentation or deeper is content
    // with no line break.
    assert_eq!(data("a: |\n    x\n    ").as_deref(), Some("x\n"));
    assert_eq!(data("a: >\n    x\n     ").as_deref(), Some("x\n "));
    assert_eq!(data("a: |\n    x\n      ").as_deref(), Some("x\n  "));
    assert_eq!(data("a: |-\n    x\n     ").as_deref(), Some("x\n "));
    // A shorter one is not part of the block.
    assert_eq!(data("a: |+\n    x\n  ").as_deref(), Some("x\n"));
    assert_eq!(data("a: |\n    x\n \n ").as_deref(), Some("x\n"));
}

/// `a0: &a0 "lol"`, then each level an anchored list of ten aliases to
/// the one before.
fn alias_bomb(levels: usize) -> String {
    let mut text = String::from("a0: &a0 \"lol\"\n");
    for i in 1..=levels {
        let items = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    text
}

#[test]
fn alias_bombs_are_refused_in_resources_and_kustomizations() {
    let file = Path::new("k.yaml");
    for levels in [5, 10, 30] {
        let text = alias_bomb(levels);
        let err = parse_documents(&text, file).unwrap_err().to_string();
        assert!(
            err.contains("k.yaml:") && err.contains("excessive aliasing"),
            "{err}"
        );
        let err = parse_documents_lenient(&text, file)
            .unwrap_err()
            .to_string();
        assert!(err.contains("excessive aliasing"), "{err}");
    }
    // Three levels (1,000 copies of one scalar) are within yaml.v3's budget.
    assert!(parse_documents(&alias_bomb(3), file).is_ok());
}

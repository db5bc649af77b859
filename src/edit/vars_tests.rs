use super::*;
use crate::edit::KustFile;

fn options(value: &str) -> Option<(String, i64)> {
    field_options(value, "$(V)").unwrap().map(|o| {
        (
            str_at(&o, "delimiter").to_string(),
            match o.get("index") {
                Some(Value::Int(i)) => *i,
                _ => 0,
            },
        )
    })
}

#[test]
fn a_var_inside_a_string_is_found_by_its_delimiter() {
    assert_eq!(options("$(V)"), None);
    assert_eq!(options("$(V)/path"), Some(("/".into(), 0)));
    assert_eq!(options("path/$(V)"), Some(("/".into(), 1)));
    assert_eq!(options("a.b.$(V)"), Some((".".into(), 2)));
    assert_eq!(options("a-$(V)-b"), Some(("-".into(), 1)));
    let err = field_options("var$(V)/path", "$(V)").unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot convert all vars to replacements; $(V) is not delimited"
    );
}

#[test]
fn field_paths_index_sequences_and_bracket_dotted_keys() {
    let doc = crate::yaml::parse_documents(
        "metadata:\n  annotations:\n    a.b.c: $(V)\nspec:\n  containers:\n  - env:\n    - value: x\n    - value: $(V)\n",
        Path::new("d.yaml"),
    )
    .unwrap();
    let mut uses = Vec::new();
    find_uses(&doc[0], "$(V)", &mut Vec::new(), &mut uses).unwrap();
    let paths: Vec<&str> = uses.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "metadata.annotations.[a.b.c]",
            "spec.containers.0.env.1.value"
        ]
    );
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const VAR: &str =
    "vars:\n- name: SECRET\n  objref:\n    kind: Secret\n    name: my-secret\n    apiVersion: v1\n";

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\n  namespace: shop\nspec:\n  containers:\n  - name: c\n    env:\n    - name: TOKEN\n      value: $(SECRET)\n";

fn convert(dir: &Path) -> Mapping {
    let mut file = KustFile::open(dir).unwrap();
    convert_vars(file.doc_mut(), dir).unwrap();
    file.doc().clone()
}

fn printed(value: &Value) -> String {
    let mut out = String::new();
    crate::yaml::print_document(value, &mut out).unwrap();
    out
}

#[test]
fn resources_of_bases_are_searched_and_rewritten() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        &[
            ("kustomization.yaml", &format!("resources:\n- base\n{VAR}")),
            ("base/kustomization.yaml", "resources:\n- pod.yaml\n"),
            ("base/pod.yaml", POD),
        ],
    );
    let doc = convert(root.path());
    assert!(!doc.contains_key("vars"));
    assert_eq!(
        printed(&doc["replacements"]),
        "- source:\n    kind: Secret\n    name: my-secret\n    version: v1\n  targets:\n  \
         - fieldPaths:\n    - spec.containers.0.env.0.value\n    select:\n      kind: Pod\n      \
         name: my-pod\n      namespace: shop\n      version: v1\n"
    );
    let pod = std::fs::read_to_string(root.path().join("base/pod.yaml")).unwrap();
    assert_eq!(pod, POD.replace("$(SECRET)", "SECRET_PLACEHOLDER"));
}

#[test]
fn patch_files_select_by_the_patch_target() {
    let root = tempfile::tempdir().unwrap();
    let patch = "apiVersion: v1\nkind: Custom\nmetadata:\n  name: other\nspec:\n  x: $(SECRET)\n";
    write(
        root.path(),
        &[
            (
                "kustomization.yaml",
                &format!(
                    "patches:\n- path: patch.yaml\n  target:\n    kind: Pod\n  options:\n    allowKindChange: true\n{VAR}"
                ),
            ),
            ("patch.yaml", patch),
        ],
    );
    let doc = convert(root.path());
    let replacement = &doc["replacements"].as_seq().unwrap()[0];
    assert_eq!(
        printed(replacement.get("targets").unwrap()),
        "- fieldPaths:\n  - spec.x\n  select:\n    kind: Custom\n"
    );
}

#[test]
fn no_vars_no_change_and_unused_vars_have_no_targets() {
    let root = tempfile::tempdir().unwrap();
    write(root.path(), &[("kustomization.yaml", "resources: []\n")]);
    let doc = convert(root.path());
    assert!(!doc.contains_key("replacements"));
    write(
        root.path(),
        &[("kustomization.yaml", &format!("replacements: []\n{VAR}"))],
    );
    let doc = convert(root.path());
    let replacement = &doc["replacements"].as_seq().unwrap()[0];
    assert!(replacement.get("targets").is_none());
}

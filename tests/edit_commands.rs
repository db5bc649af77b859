//! The `krust edit` commands kustomize v5.5 has beyond the common ones:
//! `add base|buildmetadata|transformer|generator`, `set configmap|secret`,
//! `remove configmap|secret|transformer|buildmetadata`, `fix --vars` and
//! `alpha-list-builtin-plugin`, plus the argument checks of `set image`.
//! Expected bytes and messages follow kustomize's own command tests.

mod common;

use std::fs;
use std::path::Path;

const HEADER: &str = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";

fn krust(dir: &Path, args: &[&str]) -> (bool, String, String) {
    common::krust_in(dir, args)
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap()
}

/// Runs an edit that must succeed and returns the kustomization and stderr.
fn edit_ok(dir: &Path, args: &[&str]) -> (String, String) {
    let (ok, _, err) = krust(dir, args);
    assert!(ok, "{args:?} failed: {err}");
    (read(dir, "kustomization.yaml"), err)
}

/// Runs an edit that must fail without touching the kustomization; returns
/// stderr.
fn edit_fails(dir: &Path, args: &[&str]) -> String {
    let before = fs::read(dir.join("kustomization.yaml")).ok();
    let (ok, out, err) = krust(dir, args);
    assert!(!ok, "{args:?} should fail");
    assert!(out.is_empty(), "{args:?} printed {out}");
    assert_eq!(fs::read(dir.join("kustomization.yaml")).ok(), before);
    err
}

#[test]
fn add_base_appends_existing_directories_once() {
    let dir = common::temp_tree(&[("kustomization.yaml", HEADER), ("b1/x", ""), ("b2/x", "")]);
    let (text, _) = edit_ok(dir.path(), &["edit", "add", "base", "b1,b2"]);
    assert_eq!(text, format!("{HEADER}resources:\n- b1\n- b2\n"));
    let err = edit_fails(dir.path(), &["edit", "add", "base", "b1"]);
    assert!(
        err.contains("base b1 already in kustomization file"),
        "{err}"
    );
    let err = edit_fails(dir.path(), &["edit", "add", "base", "b3"]);
    assert!(err.contains("b3 does not exist"), "{err}");
    let err = edit_fails(dir.path(), &["edit", "add", "base"]);
    assert!(err.contains("must specify a base directory"), "{err}");
}

#[test]
fn buildmetadata_options_are_added_checked_and_removed() {
    let dir = common::temp_tree(&[("kustomization.yaml", HEADER)]);
    let (text, _) = edit_ok(
        dir.path(),
        &[
            "edit",
            "add",
            "buildmetadata",
            "originAnnotations,managedByLabel",
        ],
    );
    assert_eq!(
        text,
        format!("{HEADER}buildMetadata:\n- originAnnotations\n- managedByLabel\n")
    );
    for (args, message) in [
        (
            &["edit", "add", "buildmetadata", "originAnnotations"][..],
            "buildMetadata option originAnnotations already in kustomization file",
        ),
        (
            &["edit", "add", "buildmetadata", "invalid_option"],
            "invalid buildMetadata option: invalid_option",
        ),
        (
            &["edit", "remove", "buildmetadata", "option1", "option2"],
            "too many arguments: [option1 option2]; to provide multiple buildMetadata options, please separate options by comma",
        ),
    ] {
        let err = edit_fails(dir.path(), args);
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let (text, _) = edit_ok(
        dir.path(),
        &[
            "edit",
            "remove",
            "buildmetadata",
            "originAnnotations,transformerAnnotations",
        ],
    );
    assert_eq!(text, format!("{HEADER}buildMetadata:\n- managedByLabel\n"));
    let (text, _) = edit_ok(
        dir.path(),
        &["edit", "remove", "buildmetadata", "managedByLabel"],
    );
    assert_eq!(text, HEADER);
}

#[test]
fn transformers_and_generators_are_added_by_glob_and_removed() {
    let dir = common::temp_tree(&[
        ("kustomization.yaml", HEADER),
        ("t/labels.yaml", ""),
        ("t/names.yaml", ""),
        ("gen.yaml", ""),
    ]);
    let (text, err) = edit_ok(
        dir.path(),
        &["edit", "add", "transformer", "t/*.yaml", "none*"],
    );
    assert_eq!(
        text,
        format!("{HEADER}transformers:\n- t/labels.yaml\n- t/names.yaml\n")
    );
    assert!(err.contains("none* has no match"), "{err}");
    let (_, err) = edit_ok(dir.path(), &["edit", "add", "transformer", "t/labels.yaml"]);
    assert!(
        err.contains("transformer t/labels.yaml already in kustomization file"),
        "{err}"
    );
    let (text, _) = edit_ok(dir.path(), &["edit", "add", "generator", "gen.yaml"]);
    assert!(text.ends_with("generators:\n- gen.yaml\n"), "{text}");
    let err = edit_fails(dir.path(), &["edit", "add", "generator"]);
    assert!(err.contains("must specify a yaml file which contains a generator plugin resource"));

    let (text, _) = edit_ok(dir.path(), &["edit", "remove", "transformer", "t/l*"]);
    assert!(text.contains("transformers:\n- t/names.yaml\n"), "{text}");
    let (unchanged, _) = edit_ok(dir.path(), &["edit", "remove", "transformer", "nothing"]);
    assert_eq!(unchanged, text);
    let err = edit_fails(dir.path(), &["edit", "remove", "transformer"]);
    assert!(err.contains("must specify a transformer file"), "{err}");
    // With nothing to add, a missing kustomization is not even looked for.
    let empty = common::temp_tree::<&str>(&[]);
    let (ok, _, err) = krust(empty.path(), &["edit", "add", "transformer", "x*"]);
    assert!(ok && err.contains("x* has no match"), "{err}");
}

const GENERATORS: &str = "configMapGenerator:
- literals:
  - a-key=a-value
  - key1=val1
  name: test-cm
- literals:
  - key1=value-from-cm-2
  name: test-cm
  namespace: another-ns
secretGenerator:
- literals:
  - user=admin
  name: creds
  namespace: shop
  type: Opaque
";

#[test]
fn set_configmap_and_secret_change_existing_entries() {
    let dir = common::temp_tree(&[("kustomization.yaml", &format!("{HEADER}{GENERATORS}"))]);
    let (text, _) = edit_ok(
        dir.path(),
        &[
            "edit",
            "set",
            "configmap",
            "test-cm",
            "--from-literal=key1=val2",
        ],
    );
    assert!(
        text.contains("- literals:\n  - a-key=a-value\n  - key1=val2\n  name: test-cm\n- literals:\n  - key1=value-from-cm-2\n"),
        "{text}"
    );
    let (text, _) = edit_ok(
        dir.path(),
        &[
            "edit",
            "set",
            "secret",
            "creds",
            "--namespace=shop",
            "--new-namespace=shop-prod",
            "--from-literal",
            "user=root",
        ],
    );
    assert!(
        text.contains(
            "secretGenerator:\n- literals:\n  - user=root\n  name: creds\n  namespace: shop-prod\n"
        ),
        "{text}"
    );
    for (args, message) in [
        (
            &["edit", "set", "configmap", "test-cm", "--from-literal=test-key=x"][..],
            "failed to create configmap: failed to update literal sources: key 'test-key' not found in resource",
        ),
        (
            &["edit", "set", "configmap", "test-cm2", "--from-literal=k=v"],
            "failed to create configmap: could not set new ConfigMap value: unable to find ConfigMap with name \"test-cm2\"",
        ),
        (
            &["edit", "set", "configmap", "test-cm", "--namespace=another-ns"],
            "failed to validate flags: at least one of [--from-literal, --new-namespace] must be specified",
        ),
        (
            &["edit", "set", "configmap", "test-cm", "--from-literal=value"],
            "literal values must be specified in the key=value format",
        ),
        (
            &["edit", "set", "secret", "creds", "--from-literal=user=x"],
            "failed to create secret: could not set new Secret value: unable to find Secret with name \"creds\"",
        ),
        (
            &["edit", "set", "secret", "a", "b", "--from-literal=user=x"],
            "failed to validate flags: name must be specified once",
        ),
    ] {
        let err = edit_fails(dir.path(), args);
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn remove_configmap_and_secret_drop_entries_by_name_and_namespace() {
    let dir = common::temp_tree(&[("kustomization.yaml", &format!("{HEADER}{GENERATORS}"))]);
    let (text, err) = edit_ok(
        dir.path(),
        &["edit", "remove", "configmap", "test-cm,other"],
    );
    assert!(
        err.contains("configmap other doesn't exist in kustomization file"),
        "{err}"
    );
    assert!(
        text.contains("configMapGenerator:\n- literals:\n  - key1=value-from-cm-2\n  name: test-cm\n  namespace: another-ns\n"),
        "{text}"
    );
    let err = edit_fails(dir.path(), &["edit", "remove", "secret", "creds"]);
    assert!(
        err.contains("no specified secret(s) were found in the kustomization.yaml file"),
        "{err}"
    );
    let (text, _) = edit_ok(
        dir.path(),
        &["edit", "remove", "secret", "creds", "--namespace", "shop"],
    );
    assert!(!text.contains("secretGenerator"), "{text}");
    for (args, message) in [
        (&["edit", "remove", "configmap"][..], "at least one configmap name must be specified"),
        (
            &["edit", "remove", "configmap", "a", "b"],
            "too many arguments: [a b]; to provide multiple configmaps to remove, please separate configmap names by commas",
        ),
    ] {
        let err = edit_fails(dir.path(), args);
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

const VARS: &str = "
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

resources:
- pod.yaml

vars:
- name: SOME_SECRET_NAME
  objref:
    kind: Secret
    name: my-secret
    apiVersion: v1
";

const POD: &str = "
apiVersion: v1
kind: Pod
metadata:
  name: my-pod
spec:
  containers:
  - image: myimage
    name: hello
    env:
    - name: SECRET_TOKEN
      value: path/$(SOME_SECRET_NAME)
";

#[test]
fn fix_vars_turns_vars_into_replacements_and_rewrites_the_uses() {
    let dir = common::temp_tree(&[("kustomization.yaml", VARS), ("pod.yaml", POD)]);
    let (ok, out, err) = krust(dir.path(), &["edit", "fix", "--vars"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with(
            "\nFixed fields:\n  patchesJson6902 -> patches\n  patchesStrategicMerge -> patches\n  \
         commonLabels -> labels\n  vars -> replacements\n"
        ),
        "{out}"
    );
    assert_eq!(
        read(dir.path(), "kustomization.yaml"),
        "
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

resources:
- pod.yaml

replacements:
- source:
    kind: Secret
    name: my-secret
    version: v1
  targets:
  - fieldPaths:
    - spec.containers.0.env.0.value
    options:
      delimiter: /
      index: 1
    select:
      kind: Pod
      name: my-pod
      version: v1
"
    );
    assert_eq!(
        read(dir.path(), "pod.yaml"),
        POD.replace("$(SOME_SECRET_NAME)", "SOME_SECRET_NAME_PLACEHOLDER")
    );
}

#[test]
fn fix_vars_in_a_patch_selects_by_the_patched_document() {
    let kustomization = "
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

patchesStrategicMerge:
  - patch.yaml

vars:
  - name: CERTIFICATE_NAMESPACE
    objref:
      name: system
    fieldref:
      fieldpath: metadata.namespace
";
    let patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller-manager\n  \
                 namespace: system\nspec:\n  template:\n    spec:\n      containers:\n        \
                 - name: $(CERTIFICATE_NAMESPACE)\n";
    let dir = common::temp_tree(&[("kustomization.yaml", kustomization), ("patch.yaml", patch)]);
    edit_ok(dir.path(), &["edit", "fix", "--vars"]);
    assert_eq!(
        read(dir.path(), "kustomization.yaml"),
        "
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization


patches:
- path: patch.yaml
replacements:
- source:
    fieldPath: metadata.namespace
    name: system
  targets:
  - fieldPaths:
    - spec.template.spec.containers.0.name
    select:
      namespace: system
"
    );
}

#[test]
fn fix_vars_refuses_an_undelimited_use() {
    let pod = POD.replace("path/$(SOME_SECRET_NAME)", "var$(SOME_SECRET_NAME)/path");
    let dir = common::temp_tree(&[("kustomization.yaml", VARS), ("pod.yaml", &pod)]);
    let err = edit_fails(dir.path(), &["edit", "fix", "--vars"]);
    assert!(
        err.contains(
            "error with pod.yaml: cannot convert all vars to replacements; $(SOME_SECRET_NAME) is not delimited"
        ),
        "{err}"
    );
}

#[test]
fn fix_without_vars_points_at_the_flag() {
    let dir = common::temp_tree(&[("kustomization.yaml", VARS), ("pod.yaml", POD)]);
    let (ok, out, err) = krust(dir.path(), &["edit", "fix"]);
    assert!(ok, "{err}");
    assert!(out.contains(
        "  commonLabels -> labels\n\nTo convert vars -> replacements, run the command `kustomize edit fix --vars`\n\nWARNING:"
    ), "{out}");
    assert!(read(dir.path(), "kustomization.yaml").contains("vars:\n"));
}

#[test]
fn the_builtin_plugins_are_listed() {
    let dir = common::temp_tree::<&str>(&[]);
    for command in ["alpha-list-builtin-plugin", "list-builtin-plugin"] {
        let (ok, out, _) = krust(dir.path(), &["edit", command]);
        assert!(ok);
        assert!(out.starts_with("Builtin plugins:\n\n * "), "{out}");
        for name in [
            "PatchTransformer",
            "HelmChartInflationGenerator",
            "ReplacementTransformer",
        ] {
            assert!(out.contains(&format!(" * {name}\n")), "{out}");
        }
    }
}

#[test]
fn set_image_refuses_arguments_with_an_empty_part() {
    let dir = common::temp_tree(&[("kustomization.yaml", HEADER)]);
    for (arg, reason) in [
        ("nginx@", "the digest after '@' is empty"),
        ("=foo", "the image name before '=' is empty"),
        ("nginx:", "the tag after ':' is empty"),
        ("nginx=", "the new image after '=' is empty"),
    ] {
        let err = edit_fails(dir.path(), &["edit", "set", "image", arg]);
        assert!(
            err.contains(&format!("invalid format of image {arg:?}: {reason}")),
            "{err}"
        );
    }
    let err = edit_fails(dir.path(), &["edit", "set", "image", "nginx"]);
    assert!(err.contains("invalid format of image, use one of the following options:\n- <image>=<newimage>:<newtag>"), "{err}");
    let (text, _) = edit_ok(
        dir.path(),
        &["edit", "set", "image", "nginx=reg:5000/nginx@sha256:ab"],
    );
    assert!(
        text.ends_with("images:\n- digest: sha256:ab\n  name: nginx\n  newName: reg:5000/nginx\n"),
        "{text}"
    );
}

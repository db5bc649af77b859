//! `krust edit` and `krust create` run in temporary directories; each test
//! checks the exact bytes written, in kustomize's layout.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

const HEADER: &str = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";

fn krust(dir: &Path, args: &[&str]) -> (bool, String, String) {
    common::krust_in(dir, args)
}

fn with_kustomization(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("kustomization.yaml"), text).unwrap();
    dir
}

fn edit(text: &str, args: &[&str]) -> String {
    let dir = with_kustomization(text);
    let (ok, _, err) = krust(dir.path(), args);
    assert!(ok, "{args:?} failed: {err}");
    fs::read_to_string(dir.path().join("kustomization.yaml")).unwrap()
}

fn edit_error(text: &str, args: &[&str]) -> String {
    let dir = with_kustomization(text);
    let (ok, _, err) = krust(dir.path(), args);
    assert!(!ok, "{args:?} should fail");
    err
}

#[test]
fn set_image_adds_an_images_field_after_the_original_fields() {
    let overlay = "# overlay\nresources:\n- ../base\n";
    let out = edit(
        overlay,
        &["edit", "set", "image", "nginx=registry.example/nginx:1.25"],
    );
    let want = "# overlay\nresources:\n- ../base\n".to_string()
        + HEADER
        + "images:\n- name: nginx\n  newName: registry.example/nginx\n  newTag: \"1.25\"\n";
    assert_eq!(out, want);
}

#[test]
fn set_image_updates_entries_in_place_and_sorts_them() {
    let overlay = format!(
        "{HEADER}images:\n- name: web\n  newName: reg/web\n  newTag: v1\n- name: db\n  newTag: \"13\"\nnamespace: prod\n"
    );
    let out = edit(
        &overlay,
        &[
            "edit",
            "set",
            "image",
            "web=*:v2",
            "cache@sha256:abc",
            "db:*",
        ],
    );
    let want = format!(
        "{HEADER}images:\n- digest: sha256:abc\n  name: cache\n- name: db\n  newTag: \"13\"\n\
         - name: web\n  newName: reg/web\n  newTag: v2\nnamespace: prod\n"
    );
    assert_eq!(out, want);
    let err = edit_error(&overlay, &["edit", "set", "image", "web"]);
    assert!(err.contains("invalid format of image"), "{err}");
}

#[test]
fn set_scalar_fields_replicas_and_build_metadata() {
    let out = edit(HEADER, &["edit", "set", "namespace", "staging"]);
    assert_eq!(out, format!("{HEADER}namespace: staging\n"));
    let out = edit(HEADER, &["edit", "set", "nameprefix", "acme-"]);
    assert_eq!(out, format!("{HEADER}namePrefix: acme-\n"));
    let out = edit(HEADER, &["edit", "set", "namesuffix", "--", "-v2"]);
    assert_eq!(out, format!("{HEADER}nameSuffix: -v2\n"));
    let out = edit(HEADER, &["edit", "set", "replicas", "web=3", "api=0"]);
    assert_eq!(
        out,
        format!("{HEADER}replicas:\n- count: 0\n  name: api\n- count: 3\n  name: web\n")
    );
    let out = edit(
        HEADER,
        &[
            "edit",
            "set",
            "buildmetadata",
            "originAnnotations,managedByLabel",
        ],
    );
    assert_eq!(
        out,
        format!("{HEADER}buildMetadata:\n- originAnnotations\n- managedByLabel\n")
    );
}

#[test]
fn set_label_and_annotation_write_common_fields() {
    let out = edit(HEADER, &["edit", "set", "label", "app:web", "tier:\"1\""]);
    assert_eq!(
        out,
        format!("{HEADER}commonLabels:\n  app: web\n  tier: \"1\"\n")
    );
    let out = edit(HEADER, &["edit", "set", "annotation", "owner:team-a"]);
    assert_eq!(
        out,
        format!("{HEADER}commonAnnotations:\n  owner: team-a\n")
    );
}

#[test]
fn add_resource_and_component_check_paths() {
    let dir = with_kustomization(HEADER);
    fs::write(dir.path().join("b.yaml"), "").unwrap();
    fs::write(dir.path().join("a.yaml"), "").unwrap();
    fs::create_dir(dir.path().join("comp")).unwrap();
    assert!(krust(dir.path(), &["edit", "add", "resource", "*.yaml"]).0);
    assert!(krust(dir.path(), &["edit", "add", "component", "comp"]).0);
    let (ok, _, err) = krust(dir.path(), &["edit", "add", "resource", "a.yaml"]);
    assert!(ok && err.contains("resource a.yaml already in kustomization file"));
    let (ok, _, err) = krust(dir.path(), &["edit", "add", "resource", "missing.yaml"]);
    assert!(!ok && err.contains("missing.yaml has no match"), "{err}");
    let out = fs::read_to_string(dir.path().join("kustomization.yaml")).unwrap();
    assert_eq!(
        out,
        format!("{HEADER}resources:\n- a.yaml\n- b.yaml\ncomponents:\n- comp\n")
    );
}

#[test]
fn add_and_remove_patches() {
    let added = edit(
        HEADER,
        &[
            "edit",
            "add",
            "patch",
            "--path",
            "p.yaml",
            "--kind",
            "Deployment",
            "--label-selector",
            "app=web",
        ],
    );
    let want = format!(
        "{HEADER}patches:\n- path: p.yaml\n  target:\n    kind: Deployment\n    labelSelector: app=web\n"
    );
    assert_eq!(added, want);
    let removed = edit(
        &added,
        &[
            "edit",
            "remove",
            "patch",
            "--path",
            "p.yaml",
            "--kind",
            "Deployment",
            "--label-selector",
            "app=web",
        ],
    );
    assert_eq!(removed, HEADER);
    let inline = edit(
        HEADER,
        &[
            "edit",
            "add",
            "patch",
            "--patch",
            "- op: remove\n  path: /a",
        ],
    );
    assert_eq!(
        inline,
        format!("{HEADER}patches:\n- patch: |-\n    - op: remove\n      path: /a\n")
    );
}

#[test]
fn add_configmap_and_secret_generators() {
    let dir = with_kustomization(HEADER);
    fs::write(dir.path().join("app.env"), "A=1\n").unwrap();
    let args = [
        "edit",
        "add",
        "configmap",
        "cfg",
        "--from-literal=k=v",
        "--behavior=merge",
    ];
    assert!(krust(dir.path(), &args).0);
    let args = [
        "edit",
        "add",
        "secret",
        "sec",
        "--from-env-file=app.env",
        "--disableNameSuffixHash",
    ];
    assert!(krust(dir.path(), &args).0);
    let out = fs::read_to_string(dir.path().join("kustomization.yaml")).unwrap();
    let want = format!(
        "{HEADER}configMapGenerator:\n- behavior: merge\n  literals:\n  - k=v\n  name: cfg\n\
         secretGenerator:\n- envs:\n  - app.env\n  name: sec\n  options:\n    disableNameSuffixHash: true\n  type: Opaque\n"
    );
    assert_eq!(out, want);
    let (ok, _, err) = krust(
        dir.path(),
        &["edit", "add", "configmap", "x", "--from-env-file=no.env"],
    );
    assert!(!ok && err.contains("failed to create configmap"), "{err}");
}

#[test]
fn add_and_remove_labels_and_annotations() {
    let out = edit(HEADER, &["edit", "add", "label", "app:web"]);
    assert_eq!(out, format!("{HEADER}commonLabels:\n  app: web\n"));
    let err = edit_error(&out, &["edit", "add", "label", "app:api"]);
    assert!(
        err.contains("label app already in kustomization file"),
        "{err}"
    );
    let forced = edit(&out, &["edit", "add", "label", "-f", "app:api"]);
    assert_eq!(forced, format!("{HEADER}commonLabels:\n  app: api\n"));
    let out = edit(
        HEADER,
        &[
            "edit",
            "add",
            "label",
            "--without-selector",
            "--include-templates",
            "a:b",
        ],
    );
    assert_eq!(
        out,
        format!("{HEADER}labels:\n- includeTemplates: true\n  pairs:\n    a: b\n")
    );
    let out = edit(HEADER, &["edit", "add", "annotation", "note:x,y"]);
    assert_eq!(out, format!("{HEADER}commonAnnotations:\n  note: x,y\n"));
    let removed = edit(&out, &["edit", "remove", "annotation", "note"]);
    assert_eq!(removed, HEADER);
    let labelled = format!("{HEADER}commonLabels:\n  a: b\n  c: d\n");
    assert_eq!(
        edit(&labelled, &["edit", "remove", "label", "a"]),
        format!("{HEADER}commonLabels:\n  c: d\n")
    );
    let err = edit_error(&labelled, &["edit", "remove", "label", "zz"]);
    assert!(
        err.contains("label zz is not defined in kustomization file"),
        "{err}"
    );
}

#[test]
fn remove_resources_by_glob() {
    let text = format!("{HEADER}resources:\n- a.yaml\n- b.yaml\n- ../base\n");
    let out = edit(&text, &["edit", "remove", "resource", "*.yaml"]);
    assert_eq!(out, format!("{HEADER}resources:\n- ../base\n"));
}

#[test]
fn fix_rewrites_deprecated_fields() {
    let dir = with_kustomization(
        "commonLabels:\n  app: web\nbases:\n- cm.yaml\npatchesStrategicMerge:\n- patch.yaml\nimageTags:\n- name: x\n  newTag: v1\n",
    );
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    fs::write(dir.path().join("cm.yaml"), cm).unwrap();
    fs::write(dir.path().join("patch.yaml"), cm).unwrap();
    let (ok, out, err) = krust(dir.path(), &["edit", "fix"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("\nFixed fields:\n"), "{out}");
    let text = fs::read_to_string(dir.path().join("kustomization.yaml")).unwrap();
    let want = format!(
        "{HEADER}resources:\n- cm.yaml\nlabels:\n- includeSelectors: true\n  pairs:\n    app: web\n\
         patches:\n- path: patch.yaml\nimages:\n- name: x\n  newTag: v1\n"
    );
    assert_eq!(text, want);
}

#[test]
fn create_writes_a_new_kustomization() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
    fs::write(dir.path().join("deploy.yaml"), deployment).unwrap();
    fs::write(dir.path().join("notes.txt"), "just: [text").unwrap();
    let args = [
        "create",
        "--autodetect",
        "--namespace",
        "ns",
        "--nameprefix",
        "p-",
        "--labels",
        "app:web",
        "--annotations",
        "a:b,c:d",
    ];
    let (ok, _, err) = krust(dir.path(), &args);
    assert!(ok, "{err}");
    let text = fs::read_to_string(dir.path().join("kustomization.yaml")).unwrap();
    let want = format!(
        "{HEADER}resources:\n- deploy.yaml\nnamePrefix: p-\nnamespace: ns\ncommonLabels:\n  app: web\n\
         commonAnnotations:\n  a: b\n  c: d\n"
    );
    assert_eq!(text, want);
    let (ok, _, err) = krust(dir.path(), &["create"]);
    assert!(!ok && err.contains("kustomization file already exists"));
}

#[test]
fn missing_kustomization_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = krust(dir.path(), &["edit", "set", "namespace", "x"]);
    assert!(!ok && err.contains("Missing kustomization file 'kustomization.yaml'."));
}

/// The upgrade the platform-stack runbook does with `kustomize edit set
/// image`: kustomize rewrites the whole file, each field through JSON (so
/// keys inside entries come out sorted and maps sorted by key), keeping the
/// field order and the untouched entries.
#[test]
fn set_image_on_the_platform_stack_production_overlay() {
    let temp = tempfile::tempdir().unwrap();
    let system = temp.path().join("platform-stack");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("deployments/platform-stack");
    common::copy_tree(&source, &system);
    let overlay = system.join("overlays/production");
    for image in [
        "davidgardiner/platform-api:v1.1.1",
        "davidgardiner/platform-ui:v1.1.1",
    ] {
        let (ok, out, err) = krust(&overlay, &["edit", "set", "image", image]);
        assert!(ok && out.is_empty() && err.is_empty(), "{image}: {err}");
    }
    let text = fs::read_to_string(overlay.join("kustomization.yaml")).unwrap();
    let want = format!(
        "{HEADER}resources:\n- ../../base\nlabels:\n- pairs:\n    platform.io/environment: production\n\
         commonAnnotations:\n  platform.io/change-policy: gitops-only\n  platform.io/environment: production\n\
         replicas:\n- count: 5\n  name: platform-api\n- count: 3\n  name: platform-ui\n\
         - count: 2\n  name: workflow-controller\n\
         images:\n- name: davidgardiner/platform-api\n  newTag: v1.1.1\n\
         - name: davidgardiner/platform-ui\n  newTag: v1.1.1\n\
         - digest: sha256:9b0c6b6e0b8c2c1f2c6f4e6a1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e\n  \
         name: ghcr.io/external-secrets/external-secrets\n\
         patches:\n- path: secret-store-patch.yaml\n  target:\n    kind: ClusterSecretStore\n\
         - path: spread-patch.yaml\n  target:\n    kind: Deployment\n    namespace: platform-system\n\
         - patch: |-\n    - op: replace\n      path: /spec/minReplicas\n      value: 5\n\
         \x20   - op: replace\n      path: /spec/maxReplicas\n      value: 20\n\
         \x20 target:\n    kind: HorizontalPodAutoscaler\n    name: platform-api\n\
         - patch: |-\n    - op: replace\n      path: /spec/hosts/0\n      value: platform.example.com\n\
         \x20 target:\n    kind: VirtualService\n"
    );
    assert_eq!(text, want);

    let built = Command::new(env!("CARGO_BIN_EXE_krust"))
        .arg("build")
        .arg(&overlay)
        .output()
        .unwrap();
    assert!(built.status.success());
    let manifests = String::from_utf8(built.stdout).unwrap();
    assert!(manifests.contains("image: davidgardiner/platform-api:v1.1.1"));
    assert!(manifests.contains("image: davidgardiner/platform-ui:v1.1.1"));
    assert!(
        !manifests.contains(":v1.1.0"),
        "every v1.1.0 image was upgraded"
    );
}

/// `edit fix` appends to `patches` in kustomize's order (existing entries,
/// then patchesJson6902, then patchesStrategicMerge: files as `path`,
/// anything else as inline `patch`) and commonLabels after `labels`.
#[test]
fn fix_moves_every_deprecated_patch_form_and_common_labels() {
    let dir = with_kustomization(
        "# overlay\nresources:\n- cm.yaml\ncommonLabels:\n  app: web\nlabels:\n- pairs:\n    team: a\n\
         patches:\n- path: first.yaml\npatchesJson6902:\n- target:\n    kind: Deployment\n    name: web\n  \
         path: json.yaml\npatchesStrategicMerge:\n- p.yaml\n- |-\n  apiVersion: v1\n  kind: ConfigMap\n  \
         metadata:\n    name: c\n",
    );
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    fs::write(dir.path().join("cm.yaml"), cm).unwrap();
    fs::write(dir.path().join("p.yaml"), cm).unwrap();
    let (ok, out, err) = krust(dir.path(), &["edit", "fix"]);
    assert!(ok, "{err}");
    for line in [
        "patchesJson6902 -> patches",
        "patchesStrategicMerge -> patches",
        "commonLabels -> labels",
    ] {
        assert!(out.contains(line), "{out}");
    }
    let text = fs::read_to_string(dir.path().join("kustomization.yaml")).unwrap();
    let want = format!(
        "# overlay\nresources:\n- cm.yaml\nlabels:\n- pairs:\n    team: a\n- includeSelectors: true\n  \
         pairs:\n    app: web\npatches:\n- path: first.yaml\n- path: json.yaml\n  target:\n    \
         kind: Deployment\n    name: web\n- path: p.yaml\n- patch: |-\n    apiVersion: v1\n    \
         kind: ConfigMap\n    metadata:\n      name: c\n{HEADER}"
    );
    assert_eq!(text, want);

    let err = edit_error(
        "commonLabels:\n  team: x\nlabels:\n- pairs:\n    team: a\n",
        &["edit", "fix"],
    );
    assert!(
        err.contains("label name 'team' exists in both commonLabels and labels"),
        "{err}"
    );
}

use super::*;
use std::fs;

/// `scope/` with `overlay/` (the target) using `../base` and local files.
fn tree() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(
        "scope/base/kustomization.yaml",
        "resources:\n- cm.yaml\nconfigMapGenerator:\n- name: g\n  files:\n  - key=data/a.txt\n",
    );
    write(
        "scope/base/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
    );
    write("scope/base/data/a.txt", "hello\n");
    write(
        "scope/overlay/kustomization.yaml",
        "# the overlay\nresources:\n- ../base\npatches:\n- path: patch.yaml\n",
    );
    write(
        "scope/overlay/patch.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  x: \"1\"\n",
    );
    write("scope/unused.txt", "not copied\n");
    (tmp, root)
}

fn options(target: &Path, new_dir: &Path, scope: Option<&Path>) -> LocalizeOptions {
    LocalizeOptions {
        target: target.to_string_lossy().into_owned(),
        new_dir: Some(new_dir.to_path_buf()),
        scope: scope.map(Path::to_path_buf),
        verify: true,
        remote: RemoteOptions::default(),
    }
}

#[test]
fn local_trees_are_copied_within_the_scope_and_verified() {
    let (_tmp, root) = tree();
    let out = root.join("out");
    let scope = root.join("scope");
    let written = localize(&options(&scope.join("overlay"), &out, Some(&scope))).unwrap();
    assert_eq!(written, out);
    for file in [
        "overlay/kustomization.yaml",
        "overlay/patch.yaml",
        "base/kustomization.yaml",
        "base/cm.yaml",
        "base/data/a.txt",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    assert!(!out.join("unused.txt").exists());
    let overlay = fs::read_to_string(out.join("overlay/kustomization.yaml")).unwrap();
    assert!(
        overlay.starts_with("# the overlay\nresources:\n- ../base\n"),
        "{overlay}"
    );
}

#[test]
fn references_outside_the_scope_fail_and_leave_nothing() {
    let (_tmp, root) = tree();
    let out = root.join("out");
    let overlay = root.join("scope/overlay");
    let e = localize(&options(&overlay, &out, None)).unwrap_err();
    assert!(format!("{e:#}").contains("outside localize scope"), "{e:#}");
    assert!(!out.exists());
}

#[test]
fn arguments_are_checked() {
    let (_tmp, root) = tree();
    let scope = root.join("scope");
    fs::create_dir(root.join("taken")).unwrap();
    let e = localize(&options(&scope, &root.join("taken"), None)).unwrap_err();
    assert!(e.to_string().contains("already exists"), "{e}");
    let e = localize(&options(&scope, &root.join("o"), Some(&scope.join("base")))).unwrap_err();
    assert!(e.to_string().contains("does not contain target"), "{e}");
    let mut remote = options(&scope, &root.join("o2"), None);
    remote.target = "https://github.com/org/repo//x".into();
    let e = localize(&remote).unwrap_err();
    assert!(e.to_string().contains("missing ref"), "{e}");
}

use super::*;

fn entry(commit: char) -> TreeEntry {
    TreeEntry {
        url: "https://example.com/org/repo".into(),
        commit: commit.to_string().repeat(40),
        submodules: true,
    }
}

/// Fills an entry whose tree holds one file with `text`.
fn fill(cache: &Cache, entry: &TreeEntry, text: &str) -> PathBuf {
    let staging = cache.staging().unwrap();
    let tree = staging.path().join("clone");
    fs::create_dir(&tree).unwrap();
    fs::write(tree.join("f.yaml"), text).unwrap();
    cache.install_tree(staging, &tree, entry).unwrap()
}

#[test]
fn entries_appear_whole_and_are_kept_once() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::at(tmp.path()).unwrap();
    let e = entry('a');
    assert_eq!(cache.tree(&e), None);
    let first = fill(&cache, &e, "first");
    assert_eq!(cache.tree(&e), Some(first.clone()));
    // A second fill of the same entry (another process) keeps the first.
    let second = fill(&cache, &e, "second");
    assert_eq!(second, first);
    assert_eq!(fs::read_to_string(first.join("f.yaml")).unwrap(), "first");
    // Nothing is left in tmp/.
    assert_eq!(fs::read_dir(tmp.path().join("tmp")).unwrap().count(), 0);
    // Other commits and the submodules switch are other entries.
    assert_eq!(cache.tree(&entry('b')), None);
    let no_sub = TreeEntry {
        submodules: false,
        ..e
    };
    assert_eq!(cache.tree(&no_sub), None);
}

#[test]
fn corrupt_entries_are_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::at(tmp.path()).unwrap();
    let e = entry('c');
    let tree = fill(&cache, &e, "good");
    let dir = tree.parent().unwrap().to_path_buf();
    fs::write(dir.join("entry.json"), "{truncated").unwrap();
    assert_eq!(cache.tree(&e), None);
    let again = fill(&cache, &e, "refilled");
    assert_eq!(
        fs::read_to_string(again.join("f.yaml")).unwrap(),
        "refilled"
    );
    assert_eq!(cache.tree(&e), Some(again));
}

#[test]
fn refs_and_downloads_are_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::at(tmp.path()).unwrap();
    let commit = "d".repeat(40);
    assert_eq!(cache.recorded_ref("u", "v1"), None);
    cache.record_ref("u", "v1", &commit).unwrap();
    assert_eq!(cache.recorded_ref("u", "v1"), Some(commit));
    assert_eq!(cache.recorded_ref("u", "v2"), None);
    cache
        .record_http_body("https://h/x.yaml", b"kind: X\n")
        .unwrap();
    assert_eq!(cache.http_body("https://h/x.yaml").unwrap(), b"kind: X\n");
}

#[test]
fn unusable_directories_fall_back_to_a_temporary_one() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-dir");
    fs::write(&file, "").unwrap();
    let (cache, warning) = Cache::open(Some(file.join("cache"))).unwrap();
    let warning = warning.expect("a warning");
    assert!(
        warning.contains("cannot use the cache directory"),
        "{warning}"
    );
    assert!(cache.root().is_dir());
    let root = cache.root().to_path_buf();
    drop(cache);
    assert!(!root.exists(), "the temporary cache is removed");
}

#[test]
fn default_directory_follows_the_environment_order() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| std::ffi::OsString::from(v))
        }
    };
    const ALL: &[(&str, &str)] = &[
        ("KRUST_CACHE_DIR", "/k"),
        ("XDG_CACHE_HOME", "/x"),
        ("HOME", "/h"),
    ];
    assert_eq!(dir_from_env(&env(ALL)), Some(PathBuf::from("/k")));
    assert_eq!(
        dir_from_env(&env(&ALL[1..])),
        Some(PathBuf::from("/x/krust"))
    );
    assert_eq!(
        dir_from_env(&env(&ALL[2..])),
        Some(PathBuf::from("/h/.cache/krust"))
    );
    assert_eq!(
        dir_from_env(&env(&[("KRUST_CACHE_DIR", ""), ("HOME", "/h")])),
        Some(PathBuf::from("/h/.cache/krust"))
    );
    assert_eq!(dir_from_env(&env(&[])), None);
}

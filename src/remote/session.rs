//! One build's access to remote content: each (repository, ref) resolved
//! once, each (repository, commit) fetched once, each URL downloaded once,
//! however often the build names them; independent fetches run in
//! parallel. Results come from, and go to, the shared [`Cache`].

use super::cache::{Cache, TreeEntry};
use super::git::{self, GitError};
use super::http::{self, Answer};
use super::redact::redact;
use super::repospec::RepoSpec;
use std::collections::HashMap;
use std::hash::Hash;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::JoinHandle;

/// How a build reaches remote content.
#[derive(Debug, Clone, Default)]
pub struct RemoteOptions {
    /// Use only what the cache holds; never touch the network.
    pub offline: bool,
    /// The cache directory; `None` for the default (`super::cache::default_dir`).
    pub cache_dir: Option<PathBuf>,
}

impl RemoteOptions {
    /// The options the environment asks for: `KRUST_OFFLINE=1` and
    /// `KRUST_CACHE_DIR` (through the default cache directory).
    pub fn from_env() -> RemoteOptions {
        RemoteOptions {
            offline: std::env::var("KRUST_OFFLINE").is_ok_and(|v| v == "1"),
            cache_dir: None,
        }
    }
}

/// Results shared between the threads of a build, one slot per key: the
/// first caller computes the value, later callers wait for it. The map's
/// lock is held only to find a slot, never while a value is computed.
struct Slots<K, V> {
    map: Mutex<HashMap<K, Arc<OnceLock<V>>>>,
}

impl<K: Eq + Hash, V: Clone> Slots<K, V> {
    fn new() -> Slots<K, V> {
        Slots {
            map: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, key: K, compute: impl FnOnce() -> V) -> V {
        let slot = {
            let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(map.entry(key).or_default())
        };
        slot.get_or_init(compute).clone()
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Reads the file at the http(s) URL `url` through the build's `session`
/// (see [`Session::read_file`]). Without a session (outside a build) a URL
/// cannot be read.
pub fn read_remote_file(session: Option<&Session>, url: &str) -> anyhow::Result<Vec<u8>> {
    let Some(session) = session else {
        anyhow::bail!(
            "cannot read '{}': files named by URL are only fetched during a build",
            redact(url)
        );
    };
    session.read_file(url).map_err(anyhow::Error::msg)
}

/// The most fetches one build runs at once.
const PARALLEL_FETCHES: usize = 8;

/// A build's remote session. Create it with [`Session::new`]; it opens the
/// cache on first use, so builds without remote entries never touch it.
pub struct Session {
    options: RemoteOptions,
    cache: OnceLock<Result<Arc<Cache>, String>>,
    refs: Slots<(String, String), Result<String, String>>,
    trees: Slots<(String, String, bool), Result<PathBuf, String>>,
    downloads: Slots<String, Result<Arc<Answer>, String>>,
    warnings: Mutex<Vec<String>>,
    running: (Mutex<usize>, Condvar),
    prefetches: Mutex<Vec<JoinHandle<()>>>,
}

impl Session {
    /// A session with `options`; `KRUST_OFFLINE=1` in the environment
    /// makes it offline too, whichever command started the build.
    pub fn new(mut options: RemoteOptions) -> Arc<Session> {
        options.offline |= RemoteOptions::from_env().offline;
        Arc::new(Session {
            options,
            cache: OnceLock::new(),
            refs: Slots::new(),
            trees: Slots::new(),
            downloads: Slots::new(),
            warnings: Mutex::new(Vec::new()),
            running: (Mutex::new(0), Condvar::new()),
            prefetches: Mutex::new(Vec::new()),
        })
    }

    /// Warnings for the user (an unusable cache directory, the `git::`
    /// prefix), each once.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn warn(&self, warning: String) {
        let mut warnings = self.warnings.lock().unwrap_or_else(|e| e.into_inner());
        if !warnings.contains(&warning) {
            warnings.push(warning);
        }
    }

    fn cache(&self) -> Result<Arc<Cache>, String> {
        self.cache
            .get_or_init(|| {
                let dir = self
                    .options
                    .cache_dir
                    .clone()
                    .or_else(super::cache::default_dir);
                if self.options.offline {
                    return dir
                        .map(|d| Arc::new(Cache::read_only(&d)))
                        .ok_or_else(|| "offline: no cache directory (set KRUST_CACHE_DIR)".into());
                }
                let (cache, warning) = Cache::open(dir).map_err(|e| format!("{e:#}"))?;
                if let Some(warning) = warning {
                    self.warn(warning);
                }
                Ok(Arc::new(cache))
            })
            .clone()
    }

    /// The directory holding the whole checked-out repository of `spec`
    /// at its ref. Errors are one line naming the URL and ref.
    pub fn repository(&self, spec: &RepoSpec) -> Result<PathBuf, String> {
        if spec.forced_git_prefix {
            self.warn(
                "Warning: Forcing the git protocol using the 'git::' URL prefix is not supported. \
                 Kustomize currently strips this invalid prefix, but will stop doing so in a \
                 future release. Please remove the 'git::' prefix from your configuration."
                    .to_string(),
            );
        }
        let url = spec.clone_spec();
        let commit = if git::is_full_commit_id(&spec.git_ref) {
            spec.git_ref.to_ascii_lowercase()
        } else {
            self.refs.get((url.clone(), spec.git_ref.clone()), || {
                self.resolve_ref(spec)
            })?
        };
        let key = (url, commit, spec.submodules);
        self.trees.get(key.clone(), || self.fill_tree(spec, &key.1))
    }

    /// One `git ls-remote` (online) or the recorded commit (offline).
    fn resolve_ref(&self, spec: &RepoSpec) -> Result<String, String> {
        let cache = self.cache()?;
        let url = spec.clone_spec();
        let wanted = spec.ref_or_head();
        if self.options.offline {
            return cache.recorded_ref(&url, wanted).ok_or_else(|| {
                redact(&format!(
                    "offline: ref '{wanted}' of {url} is not in the cache ({})",
                    cache.root().display()
                ))
            });
        }
        let refs = git::ls_remote(&url, wanted, spec.timeout)
            .map_err(|e| describe(&e, "cannot reach", &url, wanted))?;
        let commit = git::pick_commit(&refs, wanted)
            .ok_or_else(|| redact(&format!("unknown ref '{wanted}' in {url}")))?;
        // Offline builds need it; failing to record it only costs them.
        let _ = cache.record_ref(&url, wanted, &commit);
        Ok(commit)
    }

    /// The tree of `commit`, from the cache or fetched into it.
    fn fill_tree(&self, spec: &RepoSpec, commit: &str) -> Result<PathBuf, String> {
        let cache = self.cache()?;
        let url = spec.clone_spec();
        let entry = TreeEntry {
            url: redact(&url),
            commit: commit.to_string(),
            submodules: spec.submodules,
        };
        if let Some(tree) = cache.tree(&entry) {
            return Ok(tree);
        }
        let wanted = spec.ref_or_head();
        if self.options.offline {
            return Err(redact(&format!(
                "offline: {url} at '{wanted}' (commit {commit}) is not in the cache ({})",
                cache.root().display()
            )));
        }
        let _permit = self.permit();
        let staging = cache.staging().map_err(|e| format!("{e:#}"))?;
        let clone = staging.path().join("clone");
        std::fs::create_dir(&clone).map_err(|e| e.to_string())?;
        let fetched = git::fetch_tree(&clone, &url, wanted, spec.submodules, spec.timeout)
            .map_err(|e| describe(&e, "cannot fetch", &url, wanted))?;
        std::fs::remove_dir_all(clone.join(".git")).map_err(|e| e.to_string())?;
        let entry = TreeEntry {
            commit: fetched,
            ..entry
        };
        cache
            .install_tree(staging, &clone, &entry)
            .map_err(|e| format!("{e:#}"))
    }

    /// The answer to a GET of `url`, fetched once per build (offline: the
    /// body kept from the last online build).
    pub fn download(&self, url: &str) -> Result<Arc<Answer>, String> {
        self.downloads.get(url.to_string(), || {
            let cache = self.cache()?;
            if self.options.offline {
                return cache
                    .http_body(url)
                    .map(|b| Arc::new(Answer::Body(b)))
                    .ok_or_else(|| {
                        redact(&format!(
                            "offline: {url} is not in the cache ({})",
                            cache.root().display()
                        ))
                    });
            }
            let _permit = self.permit();
            let answer = http::get(url).map_err(|e| redact(&format!("cannot get {url}: {e}")))?;
            if let Answer::Body(body) = &answer {
                let _ = cache.record_http_body(url, body);
            }
            Ok(Arc::new(answer))
        })
    }

    /// The file at `url`, as kustomize's loader reads a URL named by any
    /// field (a patch, a generator's source, `configurations`, ...): the
    /// body of a 2xx answer; any other answer is an error, with no fallback
    /// to git (kustomize says so when the URL reads as a repository).
    /// Callers name the URL in their context.
    pub fn read_file(&self, url: &str) -> Result<Vec<u8>, String> {
        match &*self.download(url)? {
            Answer::Body(body) => Ok(body.clone()),
            Answer::Status(code) if RepoSpec::parse(url).is_ok() => Err(format!(
                "HTTP status {code} (the URL reads as a git repository, \
                 which cannot name a file here)"
            )),
            Answer::Status(code) => Err(format!("HTTP status {code}")),
        }
    }

    /// Starts fetching `specs` and `urls` in the background; later calls
    /// to [`Session::repository`] and [`Session::download`] wait for them.
    pub fn prefetch(self: &Arc<Session>, specs: Vec<RepoSpec>, urls: Vec<String>) {
        let mut handles = self.prefetches.lock().unwrap_or_else(|e| e.into_inner());
        for spec in specs {
            let session = Arc::clone(self);
            handles.push(std::thread::spawn(move || {
                let _ = session.repository(&spec);
            }));
        }
        for url in urls {
            let session = Arc::clone(self);
            handles.push(std::thread::spawn(move || {
                let _ = session.download(&url);
            }));
        }
    }

    /// Waits for every background fetch, so none is left writing when the
    /// build ends. Call it at the end of every build, failed ones too.
    pub fn finish(&self) {
        let handles =
            std::mem::take(&mut *self.prefetches.lock().unwrap_or_else(|e| e.into_inner()));
        for handle in handles {
            let _ = handle.join();
        }
    }

    /// Blocks until fewer than [`PARALLEL_FETCHES`] fetches run.
    fn permit(&self) -> Permit<'_> {
        let (count, freed) = &self.running;
        let mut running = count.lock().unwrap_or_else(|e| e.into_inner());
        while *running >= PARALLEL_FETCHES {
            running = freed.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += 1;
        Permit(&self.running)
    }
}

/// One running fetch; frees its place when dropped.
struct Permit<'a>(&'a (Mutex<usize>, Condvar));

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let (count, freed) = self.0;
        *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        freed.notify_one();
    }
}

/// A git failure as one line naming the URL and ref.
fn describe(e: &GitError, action: &str, url: &str, wanted: &str) -> String {
    let text = match e {
        GitError::Timeout(t) => format!(
            "{action} {url} at '{wanted}': timed out after {} (a ?timeout= query allows longer)",
            git::show_duration(*t)
        ),
        GitError::Failed(message) if message.contains("couldn't find remote ref") => {
            format!("unknown ref '{wanted}' in {url}: {message}")
        }
        other => format!("{action} {url} at '{wanted}': {other}"),
    };
    redact(&text)
}

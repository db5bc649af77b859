//! The user's age identities, found where SOPS looks for them, and the
//! unwrapping of a file's data key from its `sops.age[].enc` entries.

use super::age::Identity;
use super::cipher::DATA_KEY_LEN;
use std::path::{Path, PathBuf};

/// Environment variable holding age identities inline.
pub const AGE_KEY_ENV: &str = "SOPS_AGE_KEY";
/// Environment variable naming a file of age identities.
pub const AGE_KEY_FILE_ENV: &str = "SOPS_AGE_KEY_FILE";

/// A set of age identities to unwrap SOPS data keys with.
///
/// Like SOPS, identities from every source are combined: `SOPS_AGE_KEY`
/// (any number of keys, separated by whitespace), the file named by
/// `SOPS_AGE_KEY_FILE`, and `sops/age/keys.txt` in the user's configuration
/// directory (`$XDG_CONFIG_HOME`, or `~/.config`).
#[derive(Default)]
pub struct Keys {
    identities: Vec<Identity>,
    /// Where identities were looked for, for error messages.
    searched: Vec<String>,
    /// Sources that could not be read or parsed. Like SOPS, these only
    /// matter when no other identity unwraps the data key.
    problems: Vec<String>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secret key material.
        f.debug_struct("Keys")
            .field("identities", &self.identities.len())
            .field("searched", &self.searched)
            .field("problems", &self.problems)
            .finish()
    }
}

impl Keys {
    /// Loads identities from SOPS's environment variables and default file.
    /// A missing default file is normal; an unreadable or malformed source
    /// is recorded in [`Keys::problems`] (naming the source, never its
    /// content) and the other sources are still used, as SOPS does.
    pub fn from_env() -> Keys {
        let mut keys = Keys::default();
        match std::env::var(AGE_KEY_ENV) {
            Ok(text) => keys.note(|k| k.add_text(&text, AGE_KEY_ENV, true)),
            Err(_) => keys.searched.push(AGE_KEY_ENV.to_string()),
        }
        if let Some(file) = std::env::var_os(AGE_KEY_FILE_ENV) {
            keys.note(|k| k.add_file(Path::new(&file), false));
        } else {
            keys.searched.push(AGE_KEY_FILE_ENV.to_string());
        }
        if let Some(default_file) = default_key_file() {
            keys.note(|k| k.add_file(&default_file, true));
        }
        keys
    }

    /// Runs one loading step, recording its failure instead of stopping.
    fn note(&mut self, step: impl FnOnce(&mut Keys) -> anyhow::Result<()>) {
        if let Err(e) = step(self) {
            self.problems.push(e.to_string());
        }
    }

    /// Sources that could not be read or parsed.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Identities from the text of an age identity file (`#` comments and
    /// blank lines allowed). `source` names the text in error messages.
    pub fn from_identity_text(text: &str, source: &str) -> anyhow::Result<Keys> {
        let mut keys = Keys::default();
        keys.add_text(text, source, false)?;
        Ok(keys)
    }

    /// How many identities were loaded.
    pub fn len(&self) -> usize {
        self.identities.len()
    }

    /// True when no identity was found.
    pub fn is_empty(&self) -> bool {
        self.identities.is_empty()
    }

    /// The places that were searched, for "no identity" messages.
    pub fn searched(&self) -> &[String] {
        &self.searched
    }

    fn add_file(&mut self, path: &Path, missing_ok: bool) -> anyhow::Result<()> {
        let source = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => self.add_text(&text, &source, false),
            Err(e) if missing_ok && e.kind() == std::io::ErrorKind::NotFound => {
                self.searched.push(source);
                Ok(())
            }
            Err(e) => Err(anyhow::anyhow!(
                "cannot read age identities from {source}: {e}"
            )),
        }
    }

    fn add_text(&mut self, text: &str, source: &str, many_per_line: bool) -> anyhow::Result<()> {
        self.searched.push(source.to_string());
        let lines = text.lines().map(str::trim_end);
        for (index, line) in lines.enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = if many_per_line {
                line.split_whitespace().collect()
            } else {
                vec![line]
            };
            for word in words {
                self.identities.push(
                    parse_identity(word)
                        .map_err(|what| anyhow::anyhow!("{source}: line {}: {what}", index + 1))?,
                );
            }
        }
        Ok(())
    }

    /// Unwraps a data key from one armored age file, trying every identity.
    /// `None` when no identity matches; an error when the file is corrupt.
    pub fn unwrap_data_key(&self, armored: &str) -> Result<Option<Vec<u8>>, String> {
        let key = match super::age::decrypt(armored.as_bytes(), &self.identities) {
            Ok(Some(key)) => key,
            Ok(None) => return Ok(None),
            Err(e) => return Err(format!("cannot unwrap the data key with age ({e})")),
        };
        if key.len() != DATA_KEY_LEN {
            return Err(format!(
                "the unwrapped data key has {} bytes, not {DATA_KEY_LEN}",
                key.len()
            ));
        }
        Ok(Some(key.to_vec()))
    }
}

/// Parses one identity line, naming the unsupported kinds SOPS knows.
fn parse_identity(word: &str) -> Result<Identity, &'static str> {
    if word.starts_with("AGE-PLUGIN-") {
        return Err("age plugin identities are not supported");
    }
    if word.starts_with("AGE-SECRET-KEY-PQ-") {
        return Err("post-quantum age identities are not supported");
    }
    if !word.starts_with("AGE-SECRET-KEY-1") {
        return Err("not an age identity (expected AGE-SECRET-KEY-1…)");
    }
    Identity::parse(word).map_err(|_| "malformed age identity")
}

/// `sops/age/keys.txt` under the user's configuration directory, as Go's
/// `os.UserConfigDir` finds it on Unix: `$XDG_CONFIG_HOME`, else
/// `$HOME/.config`.
fn default_key_file() -> Option<PathBuf> {
    let config_dir = match std::env::var_os("XDG_CONFIG_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(std::env::var_os("HOME").filter(|h| !h.is_empty())?).join(".config"),
    };
    Some(config_dir.join("sops").join("age").join("keys.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_IDENTITY: &str =
        "AGE-SECRET-KEY-1EQUCGFZH8UZKSZ0Z5N5T234YRNDT4U9H7QNYXWRRNJYDDVXE6FWSCPGNJ7";

    #[test]
    fn identity_text_skips_comments_and_blank_lines() {
        let text = format!("# created: today\n# public key: age1…\n\n{TEST_IDENTITY}\n");
        let keys = Keys::from_identity_text(&text, "keys.txt").unwrap();
        assert_eq!(keys.len(), 1);
    }

    #[test]
    fn env_text_allows_several_keys_per_line() {
        let mut keys = Keys::default();
        keys.add_text(
            &format!("{TEST_IDENTITY} {TEST_IDENTITY}"),
            AGE_KEY_ENV,
            true,
        )
        .unwrap();
        assert_eq!(keys.len(), 2);
    }

    #[test]
    fn bad_identity_names_source_and_line_without_content() {
        let err = Keys::from_identity_text("\nAGE-SECRET-KEY-1NOPE\n", "k.txt").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("k.txt: line 2"), "{msg}");
        assert!(!msg.contains("NOPE"), "{msg}");
        let err = Keys::from_identity_text("AGE-PLUGIN-YUBIKEY-1X", "k").unwrap_err();
        assert!(err.to_string().contains("plugin"));
    }

    #[test]
    fn debug_output_hides_keys() {
        let keys = Keys::from_identity_text(TEST_IDENTITY, "k").unwrap();
        assert!(!format!("{keys:?}").contains("AGE-SECRET"));
    }
}

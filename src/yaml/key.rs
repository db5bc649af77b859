//! [`Key`]: a mapping key, interned.
//!
//! Kubernetes objects repeat a small vocabulary of keys (`apiVersion`,
//! `metadata`, `name`, `labels`, `containers`, ...) across every resource of
//! a build, and a tree holds one key per mapping entry: hundreds of
//! thousands for a large build. Storing each key once and giving every
//! entry a one-pointer handle to it keeps an entry at 32 bytes instead of
//! 48, and makes key equality a pointer comparison.
//!
//! Interned text lives until the process ends. The set of distinct keys is
//! bounded by the input (for a typical tree, a few hundred strings), so
//! this trades a small, bounded amount of memory that is never returned
//! for a large saving on every entry.

use std::borrow::{Borrow, Cow};
use std::hash::{BuildHasher, Hash, Hasher};
use std::ptr::NonNull;
use std::sync::{LazyLock, Mutex};

/// A mapping key: a handle to interned text. Cheap to copy and compare;
/// dereferences to `str`.
#[derive(Clone, Copy)]
pub struct Key(NonNull<u8>);

// SAFETY: a key points at immutable bytes that are never freed, so sharing
// or sending the handle between threads is as safe as a `&'static str`.
unsafe impl Send for Key {}
// SAFETY: see `Send` above.
unsafe impl Sync for Key {}

/// Bytes of the length prefix in front of each interned string.
const LEN_BYTES: usize = std::mem::size_of::<usize>();

/// Bytes of the id stored after the length (see [`Key::id`]).
const ID_BYTES: usize = std::mem::size_of::<u32>();

/// Bytes in front of each interned string's text.
const HEADER_BYTES: usize = LEN_BYTES + ID_BYTES;

/// Interned strings are copied into chunks of at least this size, so that
/// the text costs one allocation per chunk rather than one per key.
const CHUNK_BYTES: usize = 16 * 1024;

/// The interner is split into shards by hash so that threads parsing files
/// in parallel rarely wait for one another.
const SHARDS: usize = 16;

/// The hash of a key's text: which shard holds it, and its place there.
/// foldhash (already built for the other maps) rather than the standard
/// SipHash: keys are short and not chosen by an attacker who could profit
/// from collisions, and SipHash was most of the cost of interning one.
fn hash_text(text: &str) -> u64 {
    foldhash::fast::FixedState::default().hash_one(text)
}

/// One shard: the keys it holds (by [`hash_text`], computed once per
/// lookup) and the chunk new text is copied into.
struct Shard {
    keys: hashbrown::HashTable<Key>,
    /// Unused tail of the current chunk.
    free: &'static mut [u8],
}

static INTERNER: LazyLock<[Mutex<Shard>; SHARDS]> = LazyLock::new(|| {
    std::array::from_fn(|_| {
        Mutex::new(Shard {
            keys: hashbrown::HashTable::new(),
            free: &mut [],
        })
    })
});

impl Key {
    /// The key for `text`, interning it on first use.
    pub fn new(text: &str) -> Key {
        let hash = hash_text(text);
        // Middle bits: the table itself uses the low and the top ones.
        let shard = &INTERNER[((hash >> 32) as usize) % SHARDS];
        // A poisoned lock only means another thread panicked while holding
        // it; the set itself is always left consistent.
        let mut shard = shard.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(key) = shard.keys.find(hash, |k| k.as_str() == text) {
            return *key;
        }
        let key = shard.store(text, ids::next());
        ids::publish(key);
        shard
            .keys
            .insert_unique(hash, key, |k| hash_text(k.as_str()));
        key
    }

    /// A small number naming this key, unique for the life of the process
    /// and dense from zero: frozen trees (see `crate::yaml::frozen`) store
    /// keys as ids, which take one or two bytes instead of a pointer's eight.
    pub fn id(&self) -> u32 {
        // SAFETY: `store` wrote the id right after the length, in memory
        // that is never freed or written again.
        unsafe { std::ptr::read_unaligned(self.0.as_ptr().add(LEN_BYTES).cast::<u32>()) }
    }

    /// The key with this id, if one has been interned.
    pub fn from_id(id: u32) -> Option<Key> {
        ids::get(id)
    }

    /// The key's text.
    pub fn as_str(&self) -> &'static str {
        // SAFETY: `store` wrote a native-endian length followed by that many
        // bytes of valid UTF-8 at this address, in memory that is never
        // freed or written again.
        unsafe {
            let base = self.0.as_ptr();
            let len = std::ptr::read_unaligned(base.cast::<usize>());
            let bytes = std::slice::from_raw_parts(base.add(HEADER_BYTES), len);
            std::str::from_utf8_unchecked(bytes)
        }
    }
}

impl Shard {
    /// Copies `text` behind its length and id into the current chunk
    /// (starting a new one when it does not fit) and returns a handle to it.
    fn store(&mut self, text: &str, id: u32) -> Key {
        let needed = HEADER_BYTES + text.len();
        if self.free.len() < needed {
            let chunk = vec![0u8; needed.max(CHUNK_BYTES)].into_boxed_slice();
            self.free = Box::leak(chunk);
        }
        let (slot, rest) = std::mem::take(&mut self.free).split_at_mut(needed);
        self.free = rest;
        slot[..LEN_BYTES].copy_from_slice(&text.len().to_ne_bytes());
        slot[LEN_BYTES..HEADER_BYTES].copy_from_slice(&id.to_ne_bytes());
        slot[HEADER_BYTES..].copy_from_slice(text.as_bytes());
        Key(NonNull::from(slot).cast::<u8>())
    }
}

/// The table from id to key.
///
/// Ids are handed out in order under one lock (new keys are rare: a few
/// hundred per build). Lookups, which happen for every entry of every tree
/// thawed, take no lock: the table is a fixed array of chunks that double in
/// size, so a chunk never moves once it is published.
mod ids {
    use super::Key;
    use std::ptr::{null_mut, NonNull};
    use std::sync::atomic::{AtomicPtr, Ordering};
    use std::sync::Mutex;

    /// Slots in the first chunk; chunk `c` holds `FIRST << c` slots.
    const FIRST_BITS: u32 = 6;
    /// Enough chunks for every `u32` id.
    const CHUNKS: usize = 27;

    type Slot = AtomicPtr<u8>;

    static CHUNK: [AtomicPtr<Slot>; CHUNKS] = [const { AtomicPtr::new(null_mut()) }; CHUNKS];
    static NEXT: Mutex<u32> = Mutex::new(0);

    /// Chunk and position of `id`.
    pub(super) fn locate(id: u32) -> (usize, usize) {
        let x = u64::from(id) + (1 << FIRST_BITS);
        let chunk = x.ilog2() - FIRST_BITS;
        (chunk as usize, (x - (1 << (chunk + FIRST_BITS))) as usize)
    }

    /// Reserves the next id, making sure its chunk exists.
    pub(super) fn next() -> u32 {
        let mut next = NEXT.lock().unwrap_or_else(|e| e.into_inner());
        let id = *next;
        *next = id.checked_add(1).expect("fewer than 2^32 distinct keys");
        let (chunk, _) = locate(id);
        if CHUNK[chunk].load(Ordering::Acquire).is_null() {
            let slots: Box<[Slot]> = (0..1usize << (chunk as u32 + FIRST_BITS))
                .map(|_| AtomicPtr::new(null_mut()))
                .collect();
            CHUNK[chunk].store(Box::leak(slots).as_mut_ptr(), Ordering::Release);
        }
        id
    }

    /// Records `key` under its id.
    pub(super) fn publish(key: Key) {
        let (chunk, at) = locate(key.id());
        let slots = CHUNK[chunk].load(Ordering::Acquire);
        // SAFETY: `next` published this chunk, of `FIRST << chunk` slots,
        // before handing out the id; `at` is below that count.
        unsafe { (*slots.add(at)).store(key.0.as_ptr(), Ordering::Release) }
    }

    /// The key recorded under `id`, if any.
    pub(super) fn get(id: u32) -> Option<Key> {
        let (chunk, at) = locate(id);
        let slots = CHUNK[chunk].load(Ordering::Acquire);
        if slots.is_null() {
            return None;
        }
        // SAFETY: a published chunk has `FIRST << chunk` slots and is never
        // freed; `at` is below that count.
        let ptr = unsafe { (*slots.add(at)).load(Ordering::Acquire) };
        NonNull::new(ptr).map(Key)
    }
}

impl std::ops::Deref for Key {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Lets hash maps keyed by [`Key`] be searched with a `&str`.
impl Borrow<str> for Key {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

/// Interning makes equal text share one address.
impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.0 == other.0
    }
}

impl Eq for Key {}

/// Hashes the text, as `str` does, so that `Borrow<str>` lookups agree.
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Orders by text, never by address.
impl Ord for Key {
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Key {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Key> for String {
    fn eq(&self, other: &Key) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Key> for &str {
    fn eq(&self, other: &Key) -> bool {
        *self == other.as_str()
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Key {
    fn from(text: &str) -> Key {
        Key::new(text)
    }
}

impl From<&String> for Key {
    fn from(text: &String) -> Key {
        Key::new(text)
    }
}

impl From<String> for Key {
    fn from(text: String) -> Key {
        Key::new(&text)
    }
}

impl From<Cow<'_, str>> for Key {
    fn from(text: Cow<'_, str>) -> Key {
        Key::new(&text)
    }
}

impl From<crate::yaml::Str> for Key {
    fn from(text: crate::yaml::Str) -> Key {
        Key::new(&text)
    }
}

impl From<&crate::yaml::Str> for Key {
    fn from(text: &crate::yaml::Str) -> Key {
        Key::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn equal_text_gives_the_same_key() {
        let a = Key::new("metadata");
        let b = Key::from(String::from("metadata"));
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "metadata");
        assert_ne!(a, Key::new("metadata2"));
    }

    #[test]
    fn empty_long_and_non_ascii_keys_round_trip() {
        let long = "k".repeat(CHUNK_BYTES * 2);
        for text in ["", "é✓ key", long.as_str()] {
            assert_eq!(Key::new(text).as_str(), text);
        }
    }

    #[test]
    fn hashes_and_orders_like_its_text() {
        let mut set: HashSet<Key> = HashSet::new();
        set.insert(Key::new("b"));
        assert!(set.contains("b"));
        let mut keys = [Key::new("b"), Key::new("a"), Key::new("c")];
        keys.sort();
        assert_eq!(keys.map(|k| k.as_str()), ["a", "b", "c"]);
    }

    #[test]
    fn ids_name_keys_both_ways() {
        let texts: Vec<String> = (0..300).map(|i| format!("id-key-{i}")).collect();
        for text in &texts {
            let key = Key::new(text);
            assert_eq!(Key::from_id(key.id()), Some(key));
        }
        assert_eq!(Key::new("id-key-7").id(), Key::new("id-key-7").id());
        assert_ne!(Key::new("id-key-7").id(), Key::new("id-key-8").id());
        assert_eq!(Key::from_id(u32::MAX), None);
    }

    #[test]
    fn ids_locate_in_doubling_chunks() {
        assert_eq!(ids::locate(0), (0, 0));
        assert_eq!(ids::locate(63), (0, 63));
        assert_eq!(ids::locate(64), (1, 0));
        assert_eq!(ids::locate(191), (1, 127));
        assert_eq!(ids::locate(192), (2, 0));
        assert_eq!(ids::locate(u32::MAX).0, 26);
    }

    #[test]
    fn interning_from_many_threads_agrees() {
        let keys: Vec<Vec<Key>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..500).map(|i| Key::new(&format!("t{i}"))).collect()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for other in &keys[1..] {
            assert_eq!(&keys[0], other);
        }
    }
}

//! The mapping key order of kustomize's printer (go-yaml v2's `keyList.Less`).
//!
//! kustomize prints every mapping, at every level, with its keys sorted by
//! go-yaml v2's comparator. That comparator reads digit runs as numbers
//! (`a2 < a10`) and puts non-letters before letters, which makes it
//! **non-transitive**: `v2 < v10`, `v10 < v1beta1` and `v1beta1 < v2` all hold.
//! Go sorts the keys of a randomly-ordered map with an unstable sort, so
//! kustomize itself prints such key sets in varying orders.
//!
//! Order decision: we sort with a stable merge sort that starts from the
//! mapping's insertion order. For key sets on which the comparator is a
//! total order this gives exactly kustomize's output; for the others it gives
//! one of the orders kustomize can print, and always the same one for the
//! same input. A library sort (`slice::sort_by`) must not be used here: it
//! may panic when the comparator is not a total order.

/// True when go-yaml v2 prints key `a` before key `b`.
///
/// Compared rune by rune at the first difference: two letters compare by
/// code point; a letter sorts after a non-letter; otherwise the digit runs
/// starting there compare as numbers, then the shorter run first, then by
/// code point. A proper prefix sorts first.
pub fn key_less(a: &str, b: &str) -> bool {
    let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    // Equal bytes up to `common`, so backing up to a character boundary of
    // `a` also lands on one of `b`, and one key is a prefix of the other in
    // runes exactly when it is in bytes.
    let mut pos = common;
    while !a.is_char_boundary(pos) {
        pos -= 1;
    }
    match (a[pos..].chars().next(), b[pos..].chars().next()) {
        (Some(ca), Some(cb)) => differing_rune_less(a, b, pos, ca, cb),
        (None, Some(_)) => true,
        _ => false,
    }
}

/// Decides the order at the first differing rune `ca` / `cb`, found at byte
/// offset `pos` of `a` (the bytes before it are identical in both keys).
fn differing_rune_less(a: &str, b: &str, pos: usize, ca: char, cb: char) -> bool {
    let a_letter = is_letter(ca);
    let b_letter = is_letter(cb);
    if a_letter && b_letter {
        return ca < cb;
    }
    if a_letter || b_letter {
        return b_letter;
    }
    // A zero at the difference continues a number only if the shared digits
    // just before it are not all zeros; go-yaml v2 seeds both values with 1
    // in that case so that the run compares by its full magnitude.
    let mut seed = 0i64;
    if ca == '0' || cb == '0' {
        for prev in a[..pos].chars().rev().take_while(|c| is_digit(*c)) {
            if prev != '0' {
                seed = 1;
                break;
            }
        }
    }
    let (a_num, a_len) = digit_run(&a[pos..], seed);
    let (b_num, b_len) = digit_run(&b[pos..], seed);
    if a_num != b_num {
        return a_num < b_num;
    }
    if a_len != b_len {
        return a_len < b_len;
    }
    ca < cb
}

/// Reads the digit run at the start of `s` as go-yaml v2 does (wrapping on
/// overflow, non-ASCII digits offset from `'0'`), returning its value and its
/// length in runes.
fn digit_run(s: &str, seed: i64) -> (i64, usize) {
    let mut value = seed;
    let mut len = 0;
    for c in s.chars().take_while(|c| is_digit(*c)) {
        value = value
            .wrapping_mul(10)
            .wrapping_add(i64::from(c as u32).wrapping_sub('0' as i64));
        len += 1;
    }
    (value, len)
}

/// Go's `unicode.IsLetter` (categories L*). Outside ASCII this is
/// approximated: Rust's alphabetic property minus numeric letters (Nl),
/// minus the common combining marks and circled letters that the
/// alphabetic property also includes.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic()
            && !c.is_numeric()
            && !is_indic_mark(c)
            && !in_ranges(c, ALPHABETIC_NON_LETTERS)
    }
}

/// Go's `unicode.IsDigit` (category Nd). Outside ASCII this is
/// approximated: Rust's numeric property minus letters (Nl) and the common
/// other-number (No) ranges.
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        c.is_numeric() && !c.is_alphabetic() && !in_ranges(c, OTHER_NUMBERS)
    }
}

fn in_ranges(c: char, ranges: &[(u32, u32)]) -> bool {
    let code = u32::from(c);
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&code))
}

/// Vowel signs and other marks sit at about the same offsets in each
/// 128-character Indic script block (Devanagari to Sinhala).
fn is_indic_mark(c: char) -> bool {
    let code = u32::from(c);
    (0x900..0xe00).contains(&code)
        && matches!(code & 0x7f, 0x00..=0x03 | 0x3a..=0x3c | 0x3e..=0x4f | 0x51..=0x57 | 0x62..=0x63)
}

/// Combining marks (Mn, Mc, Me) and symbols (So) that Rust counts as
/// alphabetic but Go does not count as letters.
const ALPHABETIC_NON_LETTERS: &[(u32, u32)] = &[
    (0x0300, 0x036f),
    (0x0483, 0x0489),
    (0x0591, 0x05c7),
    (0x0610, 0x061a),
    (0x064b, 0x065f),
    (0x0670, 0x0670),
    (0x06d6, 0x06ed),
    (0x0e31, 0x0e31),
    (0x0e34, 0x0e3a),
    (0x0e47, 0x0e4e),
    (0x1ab0, 0x1aff),
    (0x1dc0, 0x1dff),
    (0x20d0, 0x20ff),
    (0x24b6, 0x24e9),
    (0x302a, 0x302f),
    (0x3099, 0x309a),
    (0xfe20, 0xfe2f),
];

/// Other-number (No) ranges: superscripts, fractions, circled numbers.
const OTHER_NUMBERS: &[(u32, u32)] = &[
    (0x00b2, 0x00b3),
    (0x00b9, 0x00b9),
    (0x00bc, 0x00be),
    (0x09f4, 0x09f9),
    (0x0bf0, 0x0bf2),
    (0x0f2a, 0x0f33),
    (0x1369, 0x137c),
    (0x2070, 0x209f),
    (0x2150, 0x218f),
    (0x2460, 0x24ff),
    (0x2776, 0x2793),
    (0x2cfd, 0x2cfd),
    (0x3192, 0x3195),
    (0x3220, 0x3229),
    (0x3248, 0x325f),
    (0x3280, 0x3289),
    (0x32b1, 0x32bf),
    (0x1f100, 0x1f10c),
];

/// Sorts `items` by their keys with [`key_less`], stably (a merge sort that
/// tolerates the comparator's non-transitivity and never panics).
pub fn sort_by_key_order<T>(items: &mut [T], key: impl Fn(&T) -> &str) {
    let less = |x: &T, y: &T| key_less(key(x), key(y));
    if items.windows(2).all(|w| !less(&w[1], &w[0])) {
        return;
    }
    merge_sort(items, &less);
}

/// Sorts `items` stably: insertion sort for short runs, merging above that.
fn merge_sort<T>(items: &mut [T], less: &impl Fn(&T, &T) -> bool) {
    const INSERTION_LIMIT: usize = 12;
    let len = items.len();
    if len <= INSERTION_LIMIT {
        insertion_sort(items, less);
        return;
    }
    let mid = len / 2;
    merge_sort(&mut items[..mid], less);
    merge_sort(&mut items[mid..], less);
    if !less(&items[mid], &items[mid - 1]) {
        return;
    }
    merge_halves(items, mid, less);
}

/// Stable insertion sort: an element moves left only past strictly greater
/// ones.
fn insertion_sort<T>(items: &mut [T], less: &impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && less(&items[j], &items[j - 1]) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Merges the sorted halves `items[..mid]` and `items[mid..]`, taking from
/// the right half only when its head is strictly less (stability).
fn merge_halves<T>(items: &mut [T], mid: usize, less: &impl Fn(&T, &T) -> bool) {
    // Merge through a permutation of indices, then apply it with swaps, so
    // that `T` needs neither `Clone` nor unsafe moves.
    let len = items.len();
    let mut order: Vec<usize> = Vec::with_capacity(len);
    let (mut left, mut right) = (0, mid);
    while left < mid && right < len {
        if less(&items[right], &items[left]) {
            order.push(right);
            right += 1;
        } else {
            order.push(left);
            left += 1;
        }
    }
    order.extend(left..mid);
    order.extend(right..len);
    apply_permutation(items, order);
}

/// Rearranges `items` so that position `i` holds the element that was at
/// `order[i]`, by swaps along each cycle of the permutation: no second
/// vector of items.
pub(crate) fn apply_permutation<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut current = start;
        while order[current] != start {
            let next = order[current];
            items.swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_permutation_moves_each_item_to_its_place() {
        let orders: [&[usize]; 5] = [&[], &[0], &[1, 0], &[2, 0, 1], &[3, 1, 4, 0, 2]];
        for order in orders {
            let mut items: Vec<char> = (0..order.len()).map(|i| (b'a' + i as u8) as char).collect();
            let expected: Vec<char> = order.iter().map(|&i| items[i]).collect();
            apply_permutation(&mut items, order.to_vec());
            assert_eq!(items, expected, "order {order:?}");
        }
    }

    fn sorted(keys: &[&'static str]) -> Vec<&'static str> {
        let mut v = keys.to_vec();
        sort_by_key_order(&mut v, |k| k);
        v
    }

    #[test]
    fn observed_kustomize_order() {
        let expected = [
            "",
            "-dash",
            ".dot",
            "_under",
            "2",
            "9",
            "10",
            "Ab",
            "Beta",
            "a-b",
            "a.b",
            "a/b",
            "a_b",
            "a1",
            "aB",
            "ab",
            "alpha",
            "beta",
            "containers",
            "x1.9",
            "x1.10",
            "z",
            "zeta",
            "ä",
        ];
        let mut reversed = expected.to_vec();
        reversed.reverse();
        assert_eq!(sorted(&reversed), expected);
    }

    #[test]
    fn digit_runs_compare_numerically() {
        assert!(key_less("a2", "a10"));
        assert!(!key_less("a10", "a2"));
        assert!(key_less("x1.9", "x1.10"));
        assert!(key_less("2", "10"));
    }

    #[test]
    fn shorter_digit_run_first_on_equal_value() {
        assert!(key_less("a1b", "a01"));
        assert!(!key_less("a01", "a1b"));
        assert!(key_less("a1", "a01"));
    }

    #[test]
    fn zero_after_nonzero_digits_keeps_magnitude() {
        // "10" vs "19": the difference is at '0'/'9', preceded by '1'.
        assert!(key_less("a10", "a19"));
        assert!(key_less("v100", "v109"));
        // Preceded only by zeros: "00" vs "01" compare as 0 < 1.
        assert!(key_less("a00", "a01"));
    }

    #[test]
    fn letters_by_code_point_and_after_non_letters() {
        assert!(key_less("B", "a"));
        assert!(key_less("a-b", "aB"));
        assert!(key_less("a1", "aB"));
        assert!(!key_less("ab", "a_"));
    }

    #[test]
    fn prefix_first_and_irreflexive() {
        assert!(key_less("a", "ab"));
        assert!(!key_less("ab", "a"));
        assert!(!key_less("same", "same"));
        assert!(key_less("", "a"));
    }

    #[test]
    fn non_transitive_set_sorts_deterministically() {
        assert!(key_less("v2", "v10"));
        assert!(key_less("v10", "v1beta1"));
        assert!(key_less("v1beta1", "v2"));
        assert_eq!(sorted(&["v2", "v10", "v1beta1"]), ["v2", "v10", "v1beta1"]);
        assert_eq!(sorted(&["v1beta1", "v2", "v10"]), ["v1beta1", "v2", "v10"]);
    }

    #[test]
    fn large_inputs_sort_stably() {
        let keys: Vec<String> = (0..200).rev().map(|i| format!("k{i}")).collect();
        let mut refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        sort_by_key_order(&mut refs, |k| k);
        let expected: Vec<String> = (0..200).map(|i| format!("k{i}")).collect();
        assert_eq!(refs, expected);
        let mut pairs: Vec<(&str, usize)> = (0..50).map(|i| ("same", i)).collect();
        pairs.push(("a", 99));
        sort_by_key_order(&mut pairs, |p| p.0);
        assert_eq!(pairs[0], ("a", 99));
        assert!(pairs[1..].windows(2).all(|w| w[0].1 < w[1].1));
    }

    #[test]
    fn unicode_letters_digits_and_marks_as_go_classifies_them() {
        // Order captured from kubectl kustomize.
        assert_eq!(
            sorted(&["aǅ", "a\u{0903}", "a²", "a٣", "a1", "aZ", "aⅠ"]),
            ["a²", "a\u{0903}", "aⅠ", "a1", "a٣", "aZ", "aǅ"]
        );
    }

    #[test]
    fn long_digit_runs_and_non_ascii_digits_still_order() {
        // Digit runs too long for an integer, and digits outside ASCII,
        // must not panic, and must still give one order or the other.
        let a = "k".to_string() + &"9".repeat(40);
        let b = "k".to_string() + &"8".repeat(41);
        for (x, y) in [(a.as_str(), b.as_str()), ("٣", "3")] {
            assert_ne!(key_less(x, y), key_less(y, x), "{x} vs {y}");
        }
    }
}

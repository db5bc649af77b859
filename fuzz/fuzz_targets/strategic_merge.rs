//! Strategic merge: the input is a target and a patch, separated by the
//! first `---` line; both are parsed as resources and the patch applied.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((target, patch)) = text.split_once("\n---\n") else {
        return;
    };
    let parse = |t: &str| krust::yaml::parse_documents(t, Path::new("fuzz.yaml")).ok();
    let (Some(mut targets), Some(patches)) = (parse(target), parse(patch)) else {
        return;
    };
    let (Some(target), Some(patch)) = (targets.first_mut(), patches.first()) else {
        return;
    };
    let schema = krust::internals::Schema::builtin();
    let _ = krust::internals::merge_patch(target, patch, schema);
});

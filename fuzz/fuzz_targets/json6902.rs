//! JSON 6902 patches: the input is a target document and a patch (YAML or
//! JSON operations), separated by the first `---` line.
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
    let Ok(mut targets) = krust::yaml::parse_documents(target, Path::new("fuzz.yaml")) else {
        return;
    };
    let Some(target) = targets.first_mut() else {
        return;
    };
    if let Ok(patch) = krust::internals::JsonPatch::parse(patch) {
        let _ = patch.apply(target);
    }
});

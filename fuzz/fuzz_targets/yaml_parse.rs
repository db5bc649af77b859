//! Resource YAML: parsing by yaml.v3's rules, then printing what parsed.
//! Any input must give documents or an error, never a panic, and printing
//! parsed documents must not fail for lack of a case.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(docs) = krust::yaml::parse_documents(text, Path::new("fuzz.yaml")) {
        let _ = krust::yaml::print_documents(&docs);
    }
});

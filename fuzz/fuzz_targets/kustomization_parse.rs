//! Kustomization files: yaml.v2-style parsing, then decoding into the
//! kustomization schema with its fix-ups and deprecation warnings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("kustomization.yaml");
    if let Ok(docs) = krust::yaml::parse_documents_lenient(text, file) {
        if let Some(doc) = docs.first() {
            let _ = krust::internals::kustomization_from_document(doc, file);
        }
    }
});

//! Dropping bare nulls before a merge; expectations measured with
//! `kubectl kustomize` on the same resource with a patch that sets only
//! `spec.replicas`.

use super::drop_bare_nulls;
use crate::yaml::{parse_documents, parse_documents_noting_bare_nulls, Value};
use std::path::Path;

fn dropped(text: &str) -> Value {
    let (mut doc, paths) = parse_documents_noting_bare_nulls(text, Path::new("r.yaml"))
        .unwrap()
        .remove(0);
    drop_bare_nulls(&mut doc, &paths, crate::openapi::Schema::builtin());
    doc
}

fn doc(text: &str) -> Value {
    parse_documents(text, Path::new("r.yaml"))
        .unwrap()
        .remove(0)
}

#[test]
fn walked_bare_nulls_go_and_spelled_out_ones_stay() {
    let got = dropped(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      affinity:\n        nodeAffinity:\n          required:\n      nodeSelector:\n        a: null\n      containers:\n      - name: c\n        resources:\n        args:\n        -\nstatus:\n",
    );
    let want = doc(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      affinity:\n        nodeAffinity: {}\n      nodeSelector:\n        a: null\n      containers:\n      - name: c\n        args:\n        - null\n",
    );
    assert_eq!(got, want);
}

#[test]
fn elements_of_replaced_lists_keep_their_bare_nulls() {
    let text = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  gone:\n  items:\n  - name: a\n    value:\n";
    let want = doc("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  items:\n  - name: a\n    value: null\n");
    assert_eq!(dropped(text), want);
}

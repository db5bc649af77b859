//! Strategic merge cases. Every expectation was measured with
//! `kubectl kustomize` (kustomize v5.5) on a kustomization holding the
//! target as a resource and the patch under `patches:`.

use super::{merge_patch, Outcome};
use crate::openapi::Schema;
use crate::yaml::{parse_documents, Value};
use std::path::Path;

#[path = "smp_tests_more.rs"]
mod more;

enum Expect {
    /// The patched object (its printed form, parsed back).
    Yaml(&'static str),
    /// The exact error message.
    Err(&'static str),
    /// The object is removed.
    Delete,
}

fn doc(text: &str) -> Value {
    parse_documents(text, Path::new("case.yaml"))
        .unwrap()
        .remove(0)
}

fn check(target: &str, patch: &str, expect: Expect) {
    let mut target = doc(target);
    let result = merge_patch(&mut target, &doc(patch), Schema::builtin());
    match expect {
        Expect::Yaml(expected) => {
            assert_eq!(result.unwrap(), Outcome::Merged);
            assert_eq!(target, doc(expected));
        }
        Expect::Err(message) => assert_eq!(result.unwrap_err().to_string(), message),
        Expect::Delete => assert_eq!(result.unwrap(), Outcome::Delete),
    }
}

#[test]
fn nokey() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c1
        image: i1
      - name: c2
        image: i2
      - name: c3
        image: i3
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c2
        image: new
      - image: nokey
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - image: new
        name: c2
"#,
        ),
    );
}
#[test]
fn delete_elem() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c1
        image: i1
      - name: c2
        image: i2
      - name: c3
        image: i3
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c2
        $patch: delete
      - name: c4
        image: i4
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - image: i4
        name: c4
      - image: i1
        name: c1
      - image: i3
        name: c3
"#,
        ),
    );
}
#[test]
fn replace_list() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c1
        image: i1
      - name: c2
        image: i2
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - $patch: replace
      - name: c4
        image: i4
        env:
        - name: X
          value: null
        - name: X
          value: dup
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - env:
        - name: X
          value: dup
        image: i4
        name: c4
"#,
        ),
    );
}
#[test]
fn dedup() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  finalizers: [a, b, a]
spec:
  template:
    spec:
      containers:
      - name: c1
        image: i1
      - name: c1
        image: i2
        args: [x, null]
      - image: nokey
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  replicas: 2
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  finalizers:
  - a
  - b
  name: d
spec:
  replicas: 2
  template:
    spec:
      containers:
      - image: nokey
"#,
        ),
    );
}
#[test]
fn finalizers() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  finalizers: [a, b, c]
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  finalizers: [d, b, e]
  $deleteFromPrimitiveList/finalizers: [a]
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  $deleteFromPrimitiveList/finalizers:
  - a
  finalizers:
  - d
  - b
  - e
  - a
  - c
  name: d
"#,
        ),
    );
}
#[test]
fn crd() {
    check(
        r#"
apiVersion: x.io/v1
kind: Foo
metadata:
  name: d
spec:
  items:
  - name: a
    v: 1
  - name: b
    v: 2
  m:
    x: 1
"#,
        r#"
apiVersion: x.io/v1
kind: Foo
metadata:
  name: d
spec:
  items:
  - name: b
    v: 3
  m:
    y: 2
    x: null
"#,
        Expect::Yaml(
            r#"apiVersion: x.io/v1
kind: Foo
metadata:
  name: d
spec:
  items:
  - name: b
    v: 3
  m:
    "y": 2
"#,
        ),
    );
}
#[test]
fn mapdirs() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  labels:
    a: b
  annotations:
    x: y
spec:
  selector:
    matchLabels:
      a: b
      c: d
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  labels: null
  annotations:
    $patch: delete
spec:
  selector:
    matchLabels:
      $patch: replace
      e: f
  strategy:
    $retainKeys: [type]
    type: Recreate
    rollingUpdate: null
  newmap:
    $patch: merge
    k: null
    j: 1
    sub: {}
    sub2:
      $patch: delete
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  newmap:
    j: 1
    sub: {}
  selector:
    matchLabels:
      e: f
  strategy:
    $retainKeys:
    - type
    type: Recreate
"#,
        ),
    );
}
#[test]
fn topdelete() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
$patch: delete
"#,
        Expect::Delete,
    );
}
#[test]
fn ports() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c1
        ports:
        - containerPort: 80
          protocol: TCP
          name: http
        - containerPort: 80
          protocol: UDP
          name: u
        - containerPort: 90
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c1
        ports:
        - containerPort: 80
          name: changed
        - containerPort: 90
          protocol: TCP
          name: n90
        - containerPort: 100
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c1
        ports:
        - containerPort: 100
        - containerPort: 80
          name: http
          protocol: TCP
        - containerPort: 80
          name: u
          protocol: UDP
        - containerPort: 90
"#,
        ),
    );
}
#[test]
fn badpatch() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    x: 1
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    x:
      a: 1
"#,
        Expect::Err(
            r#"wrong node kind: expected ScalarNode but got MappingNode: node contents:
a: 1
"#,
        ),
    );
}
#[test]
fn unknowndir() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    x: {a: 1}
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    x:
      $patch: foo
"#,
        Expect::Err(r#"unknown patch strategy 'foo'"#),
    );
}
#[test]
fn emptylist() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: c1
      volumes:
      - name: v
      initContainers:
      - name: i
      args: [a]
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers: []
      volumes: null
      initContainers:
      - $patch: delete
      args: []
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      args: []
      containers:
      - name: c1
"#,
        ),
    );
}

//! More strategic merge cases measured with `kubectl kustomize`: lists
//! (merge keys, several keys, sets, duplicates), directives and errors.

use super::{check, Expect};

#[test]
fn replace_elem() {
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
        args: [a]
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
      - name: c1
        $patch: replace
        image: x
      - name: c3
        $patch: replace
        image: y
        env:
        - {name: A, value: null}
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
      - args:
        - a
        image: i1
        name: c1
      - env:
        - name: A
        image: "y"
        name: c3
      - image: i2
        name: c2
"#,
        ),
    );
}
#[test]
fn nonmerge_directive() {
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
        args: [a, b]
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
        args:
        - $patch: delete
        - x: null
        - c
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
      - args:
        - $patch: delete
        - x: null
        - c
        name: c1
"#,
        ),
    );
}
#[test]
fn added_nested() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  replicas: 1
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    metadata:
      labels: {a: null, b: c}
    spec:
      containers:
      - name: c1
        image: a
        tty: null
      - name: c2
        $patch: delete
      - name: c1
        image: b
      - name: c3
        ports:
        - containerPort: 80
        - containerPort: 80
          protocol: UDP
      initContainers:
      - $patch: replace
      - name: i1
      volumes:
      - $patch: delete
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  replicas: 1
  template:
    metadata:
      labels:
        b: c
    spec:
      containers:
      - image: b
        name: c1
      - name: c3
        ports:
        - containerPort: 80
        - containerPort: 80
          protocol: UDP
      initContainers:
      - name: i1
"#,
        ),
    );
}
#[test]
fn volumes() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      volumes:
      - name: v1
        emptyDir: {}
      - name: v2
        configMap:
          name: cm
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      volumes:
      - name: v2
        secret:
          secretName: s
      - name: v0
        emptyDir: {}
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      volumes:
      - configMap:
          name: cm
        name: v2
        secret:
          secretName: s
      - emptyDir: {}
        name: v0
      - emptyDir: {}
        name: v1
"#,
        ),
    );
}
#[test]
fn crd_embedded() {
    check(
        r#"
apiVersion: x.io/v1
kind: Foo
metadata:
  name: d
spec:
  template:
    apiVersion: apps/v1
    kind: Deployment
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
apiVersion: x.io/v1
kind: Foo
metadata:
  name: d
spec:
  template:
    spec:
      template:
        spec:
          containers:
          - name: c2
            image: new
"#,
        Expect::Yaml(
            r#"apiVersion: x.io/v1
kind: Foo
metadata:
  name: d
spec:
  template:
    apiVersion: apps/v1
    kind: Deployment
    spec:
      template:
        spec:
          containers:
          - image: new
            name: c2
          - image: i1
            name: c1
"#,
        ),
    );
}
#[test]
fn null_target() {
    check(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
data:
  x: null
  z: "1"
other:
  list: [1, 2]
"#,
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
  labels: null
  annotations:
    a: b
data:
  y: "2"
  z: null
other: null
"#,
        Expect::Yaml(
            r#"apiVersion: v1
data:
  x: null
  "y": "2"
kind: ConfigMap
metadata:
  annotations:
    a: b
  name: d
"#,
        ),
    );
}
#[test]
fn envdup() {
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
        env:
        - name: A
          value: "1"
        - name: B
          value: "2"
        - name: A
          value: "3"
      - name: c2
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
        image: x
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
      - image: x
        name: c2
      - env:
        - name: A
          value: "3"
        - name: B
          value: "2"
        name: c1
"#,
        ),
    );
}
#[test]
fn primitive() {
    check(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: d
  finalizers: [a, null, b, a, "1", 1]
"#,
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: d
  finalizers: [c, b]
"#,
        Expect::Yaml(
            r#"apiVersion: v1
kind: Pod
metadata:
  finalizers:
  - c
  - b
  - a
  - 1
  name: d
"#,
        ),
    );
}
#[test]
fn svcports() {
    check(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - port: 80
    name: http
  - port: 443
    protocol: TCP
    name: https
"#,
        r#"
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - port: 80
    targetPort: 8080
  - port: 8443
    protocol: TCP
"#,
        Expect::Yaml(
            r#"apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - port: 8443
    protocol: TCP
  - name: http
    port: 80
    targetPort: 8080
  - name: https
    port: 443
    protocol: TCP
"#,
        ),
    );
}
#[test]
fn kind_error() {
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
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers: foo
"#,
        Expect::Err(
            r#"wrong node kind: expected SequenceNode but got ScalarNode: node contents:
foo
"#,
        ),
    );
}
#[test]
fn scalar_in_keyed() {
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
      - foo
      - name: c1
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
        image: x
"#,
        Expect::Err(
            r#"wrong node kind: expected MappingNode but got ScalarNode: node contents:
foo
"#,
        ),
    );
}
#[test]
fn top_replace() {
    check(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  labels: {a: b}
spec:
  replicas: 1
"#,
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
$patch: replace
spec:
  paused: true
"#,
        Expect::Yaml(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    a: b
  name: d
spec:
  replicas: 1
"#,
        ),
    );
}

#!/usr/bin/env python3
"""Generate benchmark trees in the shapes of real repositories.

  crds      a few CustomResourceDefinitions of up to 4 MB each: schemas 20+
            levels deep, wide `properties` mappings, long descriptions that
            fold past column 80, `\\/` in single-quoted patterns and escapes
            in double-quoted strings (as controller-gen writes them).
            Build: OUT/kustomization.yaml
  platform  a kubeflow-like platform: groups of components, each a base
            (Deployment, Service, ServiceAccount, Role, RoleBinding,
            ConfigMap and Secret generators, images) under an overlay with
            strategic-merge and JSON patches, a name prefix and labels; the
            generated names are referenced from the workloads.
            Build: OUT/kustomization.yaml
  overlays  one base of many small apps and 50 overlays (namespace, labels,
            images, replicas and a patch each), in the overlays/ layout that
            `krust render` reads. Render: OUT/system (50 outputs)

--size-mb is the size of the resource YAML written (for overlays, of the
base alone). Content is deterministic for a given shape and size.
Usage: gen-shape-tree.py --shape crds --size-mb 4 --out bench-trees/crds-4mb
"""

import argparse
import math
import os
import random
import shutil

WORDS = ('the controller reconciles resource field value when set must be a valid '
         'reference to an object in same namespace defaults to empty which means no '
         'limit is applied deprecated use instead specifies how requests are routed '
         'between revisions of model server runtime container storage uri').split()

OVERLAY_COUNT = 50


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return len(text.encode('utf-8'))


def sentence(rng, words):
    return ' '.join(rng.choice(WORDS) for _ in range(words)).capitalize() + '.'


# ---- crds ------------------------------------------------------------------

def description(rng, pad):
    """A description line as controller-gen writes one: often one long plain
    line (folded by the printer), sometimes a literal block."""
    if rng.random() < 0.6:
        return ['%sdescription: %s' % (pad, ' '.join(sentence(rng, rng.randint(8, 30)) for _ in range(rng.randint(1, 3))))]
    lines = ['%sdescription: |-' % pad]
    lines += ['%s  %s' % (pad, sentence(rng, rng.randint(6, 14))) for _ in range(rng.randint(2, 5))]
    return lines


def leaf(rng, name, pad):
    kind = rng.randrange(6)
    lines = ['%s%s:' % (pad, name)]
    inner = pad + '  '
    lines += description(rng, inner)
    if kind == 0:
        lines += ['%stype: string' % inner,
                  "%spattern: '^(https?:\\/\\/)?[a-z0-9.-]+(\\/[a-z0-9._-]*)*$'" % inner]
    elif kind == 1:
        lines += ['%sformat: int32' % inner, '%stype: integer' % inner, '%sminimum: 0' % inner]
    elif kind == 2:
        lines += ['%sdefault: "line one\\nline two\\t\\"quoted\\" caf\\u00e9"' % inner, '%stype: string' % inner]
    elif kind == 3:
        lines += ['%senum:' % inner] + ['%s- %s' % (inner, v) for v in ('Always', 'Never', 'IfNotPresent')]
        lines += ['%stype: string' % inner]
    elif kind == 4:
        lines += ['%sitems:' % inner, '%s  type: string' % inner, '%stype: array' % inner,
                  '%sx-kubernetes-list-type: atomic' % inner]
    else:
        lines += ['%sanyOf:' % inner, '%s- type: integer' % inner, '%s- type: string' % inner,
                  '%sx-kubernetes-int-or-string: true' % inner]
    return lines


def schema_object(rng, name, pad, depth, max_depth, budget):
    """An object property nesting down to max_depth, with a few leaves per
    level and a wide mapping every few levels. Returns its lines."""
    lines = ['%s%s:' % (pad, name)]
    inner = pad + '  '
    lines += description(rng, inner)
    lines.append('%sproperties:' % inner)
    props = inner + '  '
    width = 40 if depth % 5 == 2 else rng.randint(2, 4)
    for i in range(width):
        lines += leaf(rng, 'field%s%02d' % (chr(97 + depth % 26), i), props)
    if depth < max_depth:
        lines += schema_object(rng, 'nested%02d' % depth, props, depth + 1, max_depth, budget)
    lines.append('%srequired:' % inner)
    lines.append('%s- field%s00' % (inner, chr(97 + depth % 26)))
    lines.append('%stype: object' % inner)
    lines.append("%sx-kubernetes-validations:" % inner)
    lines.append("%s- message: \"must not be empty when \\\"mode\\\" is set\"" % inner)
    lines.append("%s  rule: \"!has(self.mode) || size(self.field%s00) > 0\"" % (inner, chr(97 + depth % 26)))
    return lines


def crd_text(rng, index, size):
    head = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    controller-gen.kubebuilder.io/version: v0.16.1
  name: widgets{i}.serving.example.com
spec:
  group: serving.example.com
  names:
    kind: Widget{i}
    listKind: Widget{i}List
    plural: widgets{i}
    singular: widget{i}
  scope: Namespaced
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        description: Widget{i} is the Schema for the widgets API.
        properties:
          apiVersion:
            type: string
          kind:
            type: string
          metadata:
            type: object
          spec:
            properties:
""".format(i=index)
    tail = """\
            type: object
        type: object
    served: true
    storage: true
    subresources:
      status: {}
"""
    parts = [head]
    total = len(head) + len(tail)
    group = 0
    while total < size:
        lines = schema_object(rng, 'group%04d' % group, ' ' * 14, 0, 22, size)
        text = '\n'.join(lines) + '\n'
        parts.append(text)
        total += len(text)
        group += 1
    parts.append(tail)
    return ''.join(parts)


def gen_crds(out, size):
    docs = max(1, math.ceil(size / 4_000_000))
    rng = random.Random(7)
    total = 0
    names = []
    for i in range(docs):
        name = 'crd-%02d.yaml' % i
        total += write(os.path.join(out, name), crd_text(rng, i, size / docs))
        names.append(name)
    write(os.path.join(out, 'kustomization.yaml'),
          'labels:\n- pairs:\n    app.kubernetes.io/part-of: bench\n'
          'resources:\n' + ''.join('- %s\n' % n for n in names))
    return total, '%d CRDs' % docs


# ---- platform --------------------------------------------------------------

COMPONENT_BASE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      serviceAccountName: {name}
      containers:
      - name: manager
        image: ghcr.io/example/{name}:latest
        args:
        - --metrics-bind-address=:8443
        - --leader-elect
        envFrom:
        - configMapRef:
            name: {name}-config
        env:
        - name: TOKEN
          valueFrom:
            secretKeyRef:
              name: {name}-secret
              key: token
        ports:
        - containerPort: 8443
          name: metrics
        volumeMounts:
        - name: config
          mountPath: /etc/{name}
      volumes:
      - name: config
        configMap:
          name: {name}-config
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: {name}
  ports:
  - name: metrics
    port: 8443
    targetPort: metrics
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {name}
rules:
- apiGroups: [""]
  resources: ["configmaps", "secrets"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "update", "patch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {name}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {name}
subjects:
- kind: ServiceAccount
  name: {name}
"""

COMPONENT_KUSTOMIZATION = """\
resources:
- resources.yaml
configMapGenerator:
- name: {name}-config
  files:
  - settings.properties
  literals:
  - LOG_LEVEL={level}
secretGenerator:
- name: {name}-secret
  literals:
  - token={token}
images:
- name: ghcr.io/example/{name}
  newTag: v1.{minor}.0
"""

COMPONENT_OVERLAY = """\
resources:
- ../base
namePrefix: kf-
labels:
- pairs:
    app.kubernetes.io/component: {name}
patches:
- path: deployment-patch.yaml
- target:
    kind: Service
    name: {name}
  patch: |-
    - op: add
      path: /metadata/annotations
      value:
        prometheus.io/scrape: "true"
"""

COMPONENT_PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
      - name: manager
        resources:
          limits:
            cpu: "{cpu}"
            memory: {mem}Mi
        env:
        - name: PLATFORM_NAMESPACE
          value: kubeflow
"""


def gen_component(out, name, rng):
    base = os.path.join(out, name, 'base')
    overlay = os.path.join(out, name, 'overlay')
    total = write(os.path.join(base, 'resources.yaml'), COMPONENT_BASE.format(name=name))
    total += write(os.path.join(base, 'settings.properties'),
                   ''.join('key%d=%s\n' % (i, rng.choice(WORDS)) for i in range(rng.randint(5, 30))))
    total += write(os.path.join(base, 'kustomization.yaml'), COMPONENT_KUSTOMIZATION.format(
        name=name, level=rng.choice(['info', 'debug']), token=rng.randrange(10**9), minor=rng.randint(0, 30)))
    total += write(os.path.join(overlay, 'kustomization.yaml'), COMPONENT_OVERLAY.format(name=name))
    total += write(os.path.join(overlay, 'deployment-patch.yaml'), COMPONENT_PATCH.format(
        name=name, replicas=rng.randint(1, 3), cpu=rng.choice([1, 2, 4]), mem=rng.choice([256, 512])))
    return total


def gen_platform(out, size):
    rng = random.Random(11)
    total, component, groups = 0, 0, []
    per_group = 10
    while total < size:
        group = 'group-%03d' % len(groups)
        names = []
        for _ in range(per_group):
            name = 'comp-%04d' % component
            total += gen_component(os.path.join(out, 'apps', group), name, rng)
            names.append(name)
            component += 1
        total += write(os.path.join(out, 'apps', group, 'kustomization.yaml'),
                       'labels:\n- pairs:\n    platform.example.com/group: %s\nresources:\n' % group
                       + ''.join('- %s/overlay\n' % n for n in names))
        groups.append(group)
    total += write(os.path.join(out, 'kustomization.yaml'),
                   'namespace: kubeflow\ncommonAnnotations:\n  platform.example.com/release: "1.9"\n'
                   'resources:\n' + ''.join('- apps/%s\n' % g for g in groups))
    return total, '%d components in %d groups' % (component, len(groups))


# ---- overlays --------------------------------------------------------------

def gen_overlays(out, size):
    import importlib.util
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location('gen_bench_tree', os.path.join(here, 'gen-bench-tree.py'))
    apps = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(apps)
    rng = random.Random(13)
    system = os.path.join(out, 'system')
    total, names = 0, []
    while total < size:
        name = 'app-%05d.yaml' % len(names)
        total += write(os.path.join(system, 'base', name), apps.app_text(len(names), rng))
        names.append(name)
    write(os.path.join(system, 'base', 'kustomization.yaml'),
          'resources:\n' + ''.join('- %s\n' % n for n in names))
    for env in range(OVERLAY_COUNT):
        env_dir = os.path.join(system, 'overlays', 'env-%02d' % env)
        write(os.path.join(env_dir, 'kustomization.yaml'), """\
resources:
- ../../base
namespace: env-{env:02d}
labels:
- pairs:
    environment: env-{env:02d}
images:
- name: registry.example.com/team-3/app-00003
  newTag: "2.{env}.0"
replicas:
- name: app-00000
  count: {replicas}
patches:
- path: patch.yaml
""".format(env=env, replicas=env % 5 + 1))
        write(os.path.join(env_dir, 'patch.yaml'), """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-00001-config
data:
  ENVIRONMENT: env-{env:02d}
""".format(env=env))
    return total, '%d apps, %d overlays' % (len(names), OVERLAY_COUNT)


SHAPES = {'crds': gen_crds, 'platform': gen_platform, 'overlays': gen_overlays}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--shape', required=True, choices=sorted(SHAPES))
    ap.add_argument('--size-mb', type=float, required=True, help='target size of the resource YAML, in MB')
    ap.add_argument('--out', required=True, help='output folder (replaced if it exists)')
    opts = ap.parse_args()
    if os.path.exists(opts.out):
        shutil.rmtree(opts.out)
    total, what = SHAPES[opts.shape](opts.out, int(opts.size_mb * 1_000_000))
    print('%s: %s, %d bytes' % (opts.out, what, total))


if __name__ == '__main__':
    main()

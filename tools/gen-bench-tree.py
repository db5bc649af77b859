#!/usr/bin/env python3
"""Generate a benchmark kustomization tree of roughly a given size.

The tree models many small applications. Each app is one file holding a
ConfigMap, a Deployment (which mounts the ConfigMap as a volume and reads it
with envFrom) and a Service. A base lists every app file; an overlay adds a
namespace, labels and an annotation on top of the base:

  OUT/base/kustomization.yaml
  OUT/base/apps/app-00000.yaml ...
  OUT/overlay/kustomization.yaml      <- build this one

Content is deterministic for a given size, so timings are comparable between
runs. Usage: gen-bench-tree.py --size-mb 2 --out bench-trees/2mb
"""

import argparse
import os
import random
import shutil

APP_TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  labels:
    app: {name}
data:
  LOG_LEVEL: {log_level}
  FEATURE_FLAGS: "{flags}"
  MAX_CONNECTIONS: "{max_conn}"
  settings.properties: |
    cache.size={cache}
    retry.count={retries}
    endpoint=https://{name}.internal.example.com/api/v{api}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: {name}
        image: registry.example.com/team-{team}/{name}:1.{minor}.{patch}
        args: ["--port=8080", "--config=/etc/{name}/settings.properties"]
        ports:
        - containerPort: 8080
          name: http
        envFrom:
        - configMapRef:
            name: {name}-config
        resources:
          requests:
            cpu: {cpu}m
            memory: {mem}Mi
          limits:
            memory: {mem_limit}Mi
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
  labels:
    app: {name}
spec:
  selector:
    app: {name}
  ports:
  - name: http
    port: 80
    targetPort: http
"""

OVERLAY = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: bench
labels:
- pairs:
    environment: bench
    app.kubernetes.io/part-of: bench-suite
  includeSelectors: false
commonAnnotations:
  example.com/generated-by: gen-bench-tree
resources:
- ../base
"""


def app_text(index, rng):
    name = 'app-%05d' % index
    mem = rng.choice([64, 128, 256, 512])
    return APP_TEMPLATE.format(
        name=name,
        log_level=rng.choice(['debug', 'info', 'warn', 'error']),
        flags=','.join(rng.sample(['alpha', 'beta', 'gamma', 'delta', 'omega'], 2)),
        max_conn=rng.randint(10, 1000),
        cache=rng.randint(1, 4096),
        retries=rng.randint(0, 9),
        api=rng.randint(1, 3),
        replicas=rng.randint(1, 5),
        team=index % 17,
        minor=rng.randint(0, 40),
        patch=rng.randint(0, 20),
        cpu=rng.choice([50, 100, 250, 500]),
        mem=mem,
        mem_limit=mem * 2,
    )


def generate(out, size_bytes):
    """Writes the tree; returns (number of apps, bytes of resource YAML)."""
    if os.path.exists(out):
        shutil.rmtree(out)
    apps_dir = os.path.join(out, 'base', 'apps')
    os.makedirs(apps_dir)
    os.makedirs(os.path.join(out, 'overlay'))
    rng = random.Random(20240501)
    total = 0
    names = []
    while total < size_bytes:
        text = app_text(len(names), rng)
        file_name = 'app-%05d.yaml' % len(names)
        with open(os.path.join(apps_dir, file_name), 'w', encoding='utf-8') as f:
            f.write(text)
        names.append(file_name)
        total += len(text.encode('utf-8'))
    with open(os.path.join(out, 'base', 'kustomization.yaml'), 'w', encoding='utf-8') as f:
        f.write('resources:\n')
        f.writelines('- apps/%s\n' % n for n in names)
    with open(os.path.join(out, 'overlay', 'kustomization.yaml'), 'w', encoding='utf-8') as f:
        f.write(OVERLAY)
    return len(names), total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--size-mb', type=float, required=True, help='target size of the resource YAML, in MB')
    ap.add_argument('--out', required=True, help='output folder (replaced if it exists)')
    opts = ap.parse_args()
    apps, total = generate(opts.out, int(opts.size_mb * 1_000_000))
    print('%s: %d apps, %d bytes of YAML' % (opts.out, apps, total))


if __name__ == '__main__':
    main()

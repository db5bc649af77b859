//! The examples that end each `krust edit` and `krust create` help page.

/// The examples at the end of `krust edit --help`.
pub const EDIT_EXAMPLES: &str = "\
Examples:
  krust edit set image nginx=registry.example/nginx:1.27
  krust edit set image app=*:v2 cache@sha256:0123abcd
  krust edit set namespace -- shop-prod
  krust edit add label --without-selector team:payments
  krust edit add resource deployment.yaml service.yaml
  krust edit fix                  # commonLabels -> labels, patchesStrategicMerge -> patches";

/// The examples of `edit set`.
pub(super) const SET: &str = "\
Examples:
  krust edit set nameprefix shop-
  krust edit set image web=registry.example/web:1.2.3
  krust edit set configmap app-config --from-literal=LOG_LEVEL=debug";

/// The examples of `edit add`.
pub(super) const ADD: &str = "\
Examples:
  krust edit add resource deployment.yaml service.yaml
  krust edit add base ../base,../../shared
  krust edit add configmap app-config --from-literal=LOG_LEVEL=info
  krust edit add transformer transformers/*.yaml";

/// The examples of `edit remove`.
pub(super) const REMOVE: &str = "\
Examples:
  krust edit remove resource old-*.yaml
  krust edit remove configmap app-config,legacy-config
  krust edit remove label team,tier";

/// The examples of `edit fix`.
pub(super) const FIX: &str = "\
Examples:
  # patchesJson6902/patchesStrategicMerge -> patches, commonLabels -> labels
  krust edit fix
  # also vars -> replacements; rewrites the files that use $(VAR) (commit first)
  krust edit fix --vars";

/// The examples of `edit alpha-list-builtin-plugin`.
pub(super) const LIST_BUILTIN: &str = "\
Examples:
  krust edit alpha-list-builtin-plugin";

/// The examples at the end of `krust create --help`.
pub const CREATE_EXAMPLES: &str = "\
Examples:
  # an empty kustomization.yaml in the current directory
  krust create
  # list the resource files found here (and below, with --recursive)
  krust create --autodetect --recursive --namespace shop
  krust create --resources deployment.yaml,service.yaml --labels app:web";

/// The examples of `edit set image`.
pub(super) const SET_IMAGE: &str = "\
Examples:
  krust edit set image postgres=registry.example/postgres:16 web=registry.example/web@sha256:0123abcd
  krust edit set image node:20.11.0 mysql=mariadb
  krust edit set image web=*:v2          # keep the new name, change the tag";

/// The examples of `edit set namespace`.
pub(super) const SET_NAMESPACE: &str = "\
Examples:
  krust edit set namespace staging
  krust edit set namespace -- shop-prod   # `--` as ArgoCD passes it";

/// The examples of `edit set nameprefix`.
pub(super) const SET_NAMEPREFIX: &str = "\
Examples:
  krust edit set nameprefix shop-
  krust edit set nameprefix -- -x        # a value starting with a dash";

/// The examples of `edit set namesuffix`.
pub(super) const SET_NAMESUFFIX: &str = "\
Examples:
  krust edit set namesuffix -- -v2";

/// The examples of `edit set replicas`.
pub(super) const SET_REPLICAS: &str = "\
Examples:
  krust edit set replicas web=3 worker=1";

/// The examples of `edit set label`.
pub(super) const SET_LABEL: &str = "\
Examples:
  krust edit set label app:web tier:frontend";

/// The examples of `edit set annotation`.
pub(super) const SET_ANNOTATION: &str = "\
Examples:
  krust edit set annotation owner:team-a 'note:\"two words\"'";

/// The examples of `edit set buildmetadata`.
pub(super) const SET_BUILDMETADATA: &str = "\
Examples:
  krust edit set buildmetadata originAnnotations,managedByLabel";

/// The examples of `edit set configmap`.
pub(super) const SET_CONFIGMAP: &str = "\
Examples:
  # a new value for a key the entry already has (namespace default)
  krust edit set configmap app-config --from-literal=LOG_LEVEL=debug
  # move the entry to another namespace
  krust edit set configmap app-config --namespace=shop --new-namespace=shop-prod";

/// The examples of `edit set secret`.
pub(super) const SET_SECRET: &str = "\
Examples:
  krust edit set secret db-credentials --from-literal=user=admin
  krust edit set secret db-credentials --namespace=shop --new-namespace=shop-prod";

/// The examples of `edit add resource`.
pub(super) const ADD_RESOURCE: &str = "\
Examples:
  krust edit add resource deployment.yaml service.yaml
  krust edit add resource 'manifests/*.yaml' ../base
  krust edit add resource --no-verify https://github.com/example/app//deploy?ref=v1";

/// The examples of `edit add component`.
pub(super) const ADD_COMPONENT: &str = "\
Examples:
  krust edit add component ../../components/monitoring";

/// The examples of `edit add base`.
pub(super) const ADD_BASE: &str = "\
Examples:
  krust edit add base ../base
  krust edit add base ../base,../../shared   # several: one comma-separated argument";

/// The examples of `edit add patch`.
pub(super) const ADD_PATCH: &str = "\
Examples:
  krust edit add patch --path replicas.yaml --kind Deployment --name web
  krust edit add patch --patch '[{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 3}]' --kind Deployment";

/// The examples of `edit add configmap`.
pub(super) const ADD_CONFIGMAP: &str = "\
Examples:
  krust edit add configmap app-config --from-literal=LOG_LEVEL=info --from-literal=PORT=8080
  krust edit add configmap app-files --from-file=config/*.properties
  krust edit add configmap app-env --from-env-file=app.env --behavior=merge";

/// The examples of `edit add secret`.
pub(super) const ADD_SECRET: &str = "\
Examples:
  krust edit add secret db-credentials --from-literal=user=admin --from-literal=password=s3cret
  krust edit add secret tls --from-file=tls.crt --from-file=tls.key --type=kubernetes.io/tls";

/// The examples of `edit add label`.
pub(super) const ADD_LABEL: &str = "\
Examples:
  krust edit add label app:web tier:frontend
  krust edit add label --force env:prod          # overwrite an existing key
  krust edit add label --without-selector --include-templates team:shop";

/// The examples of `edit add annotation`.
pub(super) const ADD_ANNOTATION: &str = "\
Examples:
  krust edit add annotation owner:team-a
  krust edit add annotation --force revision:abc123";

/// The examples of `edit add buildmetadata`.
pub(super) const ADD_BUILDMETADATA: &str = "\
Examples:
  krust edit add buildmetadata originAnnotations,transformerAnnotations";

/// The examples of `edit add transformer`.
pub(super) const ADD_TRANSFORMER: &str = "\
Examples:
  krust edit add transformer transformers/labels.yaml
  krust edit add transformer 'transformers/*.yaml'";

/// The examples of `edit add generator`.
pub(super) const ADD_GENERATOR: &str = "\
Examples:
  krust edit add generator generators/secrets.yaml";

/// The examples of `edit remove resource`.
pub(super) const REMOVE_RESOURCE: &str = "\
Examples:
  krust edit remove resource service.yaml
  krust edit remove resource 'legacy/*.yaml'";

/// The examples of `edit remove patch`.
pub(super) const REMOVE_PATCH: &str = "\
Examples:
  krust edit remove patch --path replicas.yaml --kind Deployment --name web";

/// The examples of `edit remove label`.
pub(super) const REMOVE_LABEL: &str = "\
Examples:
  krust edit remove label team,tier
  krust edit remove label -i maybe-absent";

/// The examples of `edit remove annotation`.
pub(super) const REMOVE_ANNOTATION: &str = "\
Examples:
  krust edit remove annotation owner,revision";

/// The examples of `edit remove configmap`.
pub(super) const REMOVE_CONFIGMAP: &str = "\
Examples:
  krust edit remove configmap app-config
  krust edit remove configmap app-config,other-config --namespace=shop";

/// The examples of `edit remove secret`.
pub(super) const REMOVE_SECRET: &str = "\
Examples:
  krust edit remove secret db-credentials --namespace=shop";

/// The examples of `edit remove transformer`.
pub(super) const REMOVE_TRANSFORMER: &str = "\
Examples:
  krust edit remove transformer transformers/labels.yaml
  krust edit remove transformer 'transformers/*.yaml'";

/// The examples of `edit remove buildmetadata`.
pub(super) const REMOVE_BUILDMETADATA: &str = "\
Examples:
  krust edit remove buildmetadata originAnnotations,managedByLabel";

//! Where the FAIRtracks schemas come from: a schema folder chosen at run
//! time, filled once by [`get_schemas`] from the schemas' published URLs
//! and verified against SHA-256 digests pinned here.
//!
//! The schemas are the FAIRtracks project's (CC BY 4.0); gtrack does not
//! distribute them, it downloads them.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::schema::SchemaSet;
use super::{sha256_hex, SchemaError};
use crate::fetch::{self, FetchError, FetchOptions};

/// Environment variable naming the schema folder when `--schemas` is not
/// given.
pub const SCHEMAS_ENV: &str = "GTRACK_FAIRTRACKS_SCHEMAS";

/// Where the v1.0.2 schemas are published: the folder of their `$id` URLs
/// (repository fairtracks/fairtracks_standard, branch `v1/current`, which
/// is tag `v1/1.0.2`).
pub const DEFAULT_BASE_URL: &str =
    "https://raw.githubusercontent.com/fairtracks/fairtracks_standard/v1/current/json/schema/";

/// The seven FAIRtracks v1.0.2 schema files and the SHA-256 of each as
/// published (tag `v1/1.0.2`, commit b1df442, 2020-07-07).
pub const V1_0_2: &[(&str, &str)] = &[
    (
        "fairtracks.schema.json",
        "0054f1b127f243ed6aac26b17e20906d832225560223f89ea6809dbd6b8e1754",
    ),
    (
        "fairtracks_contact.schema.json",
        "b315b5ad7189603bdf74aa36650b3074a8690e555678a7f61c3287e758b8c58f",
    ),
    (
        "fairtracks_experiment.schema.json",
        "0712549645810392421c0488139a550dcc28ad2d38af5f5597dce702721f4e62",
    ),
    (
        "fairtracks_phenotype.schema.json",
        "81079d40e407ca6167238ecc2026c9731a48a48e938cdcb33d7bc185a023eac2",
    ),
    (
        "fairtracks_sample.schema.json",
        "5cb42332487bc8cc5b24f95bf16baaeb30b7f29f04c90ffc399518d0b37f0a96",
    ),
    (
        "fairtracks_study.schema.json",
        "1b175f742327ab33b97a8cbc784fe0d17c683533a7d38e538ae159168911de38",
    ),
    (
        "fairtracks_track.schema.json",
        "ef9e97bb5e755bc26395b38e5cd91f57bbfcb5b7b4a10e5fcc42628cac88c7c5",
    ),
];

/// How the schema folder was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Given explicitly (`--schemas DIR` / `--dir DIR`).
    Explicit,
    /// From the environment variable [`SCHEMAS_ENV`].
    Env,
    /// The user cache, `$XDG_CACHE_HOME/gtrack/fairtracks/v1.0.2/`.
    UserCache,
}

impl Origin {
    /// A phrase for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Explicit => "given on the command line",
            Origin::Env => "from $GTRACK_FAIRTRACKS_SCHEMAS",
            Origin::UserCache => {
                "the user cache; neither --schemas nor $GTRACK_FAIRTRACKS_SCHEMAS was given"
            }
        }
    }
}

/// The user cache folder of the v1.0.2 schemas:
/// `$XDG_CACHE_HOME/gtrack/fairtracks/v1.0.2` when that variable holds an
/// absolute path, else `$HOME/.cache/gtrack/fairtracks/v1.0.2`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".cache"))
        })?;
    Some(base.join("gtrack/fairtracks/v1.0.2"))
}

/// Choose the schema folder: `explicit`, else [`SCHEMAS_ENV`] (when set
/// and not empty), else [`default_cache_dir`]. Does not look inside.
pub fn schema_dir(explicit: Option<&Path>) -> Result<(PathBuf, Origin), SchemaError> {
    if let Some(d) = explicit {
        return Ok((d.to_path_buf(), Origin::Explicit));
    }
    if let Some(d) = std::env::var_os(SCHEMAS_ENV).filter(|d| !d.is_empty()) {
        return Ok((PathBuf::from(d), Origin::Env));
    }
    default_cache_dir()
        .map(|d| (d, Origin::UserCache))
        .ok_or(SchemaError::NoCacheDir)
}

/// Find and read the schema set ([`schema_dir`] + [`SchemaSet::load_dir`]).
/// A folder that is missing or holds no `fairtracks.schema.json` gives
/// [`SchemaError::NotFound`], which says where it looked and how to get
/// the schemas.
pub fn load(explicit: Option<&Path>) -> Result<SchemaSet, SchemaError> {
    let (dir, origin) = schema_dir(explicit)?;
    if !dir.join(super::schema::TOP).is_file() {
        let why = if dir.is_dir() {
            "it holds no fairtracks.schema.json".to_string()
        } else {
            "the folder does not exist".to_string()
        };
        return Err(SchemaError::NotFound {
            dir: dir.display().to_string(),
            origin: origin.describe(),
            why,
        });
    }
    SchemaSet::load_dir(&dir)
}

/// How [`get_schemas`] downloads.
#[derive(Debug, Clone)]
pub struct GetOptions {
    /// The folder URL the files are fetched from ([`DEFAULT_BASE_URL`]).
    pub base_url: String,
    /// The files to fetch and the SHA-256 each must have ([`V1_0_2`]);
    /// replaceable so that tests can serve schemas of their own.
    pub pins: Vec<(String, String)>,
    /// HTTP options (private-network guard, size cap, timeout).
    pub fetch: FetchOptions,
}

impl Default for GetOptions {
    fn default() -> Self {
        GetOptions {
            base_url: DEFAULT_BASE_URL.to_string(),
            pins: V1_0_2
                .iter()
                .map(|(f, h)| (f.to_string(), h.to_string()))
                .collect(),
            fetch: FetchOptions {
                max_size: Some(4 << 20),
                timeout: Duration::from_secs(120),
                ..FetchOptions::default()
            },
        }
    }
}

/// One file handled by [`get_schemas`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOutcome {
    /// The file name.
    pub file: String,
    /// Where it now is.
    pub path: PathBuf,
    /// The URL it was (or would have been) downloaded from.
    pub url: String,
    /// False when a verified copy was already there.
    pub downloaded: bool,
}

fn join(base: &str, file: &str) -> String {
    format!("{}/{file}", base.trim_end_matches('/'))
}

/// Download the schema files of `opts.pins` into `dir` (created if
/// needed), verifying each against its pinned SHA-256. Files already in
/// `dir` with the right digest are kept without network. All downloads
/// are staged in a temporary folder inside `dir` and only moved into place
/// once every file is verified: on any failure (network, checksum
/// mismatch) `dir` is left as it was.
pub fn get_schemas(dir: &Path, opts: &GetOptions) -> Result<Vec<GetOutcome>, SchemaError> {
    let existed = dir.is_dir();
    fs::create_dir_all(dir).map_err(|source| SchemaError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let result = get_into(dir, opts);
    if result.is_err() && !existed {
        // Leave nothing behind (fails harmlessly if something is there).
        let _ = fs::remove_dir(dir);
    }
    result
}

fn get_into(dir: &Path, opts: &GetOptions) -> Result<Vec<GetOutcome>, SchemaError> {
    let staging = tempfile::Builder::new()
        .prefix(".get-schemas-")
        .tempdir_in(dir)
        .map_err(|source| SchemaError::Io {
            path: dir.display().to_string(),
            source,
        })?;
    let mut out = Vec::new();
    let mut staged = Vec::new();
    for (file, want) in &opts.pins {
        if file.contains(['/', '\\']) || file.starts_with('.') {
            return Err(SchemaError::Io {
                path: file.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "a schema file name may not contain a path",
                ),
            });
        }
        let dest = dir.join(file);
        let url = join(&opts.base_url, file);
        let have = fs::read(&dest).ok().map(|b| sha256_hex(&b));
        if have.is_some_and(|h| h.eq_ignore_ascii_case(want)) {
            out.push(GetOutcome {
                file: file.clone(),
                path: dest,
                url,
                downloaded: false,
            });
            continue;
        }
        let part = staging.path().join(file);
        fetch::download(&url, &part, &opts.fetch)?;
        let bytes = fs::read(&part).map_err(|source| SchemaError::Io {
            path: part.display().to_string(),
            source,
        })?;
        let got = sha256_hex(&bytes);
        if !got.eq_ignore_ascii_case(want) {
            return Err(FetchError::ChecksumMismatch {
                url,
                algorithm: "sha256",
                expected: want.to_ascii_lowercase(),
                actual: got,
            }
            .into());
        }
        staged.push((part, dest.clone()));
        out.push(GetOutcome {
            file: file.clone(),
            path: dest,
            url,
            downloaded: true,
        });
    }
    for (part, dest) in staged {
        fs::rename(&part, &dest).map_err(|source| SchemaError::Io {
            path: dest.display().to_string(),
            source,
        })?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_sha256_hex() {
        assert_eq!(V1_0_2.len(), 7);
        for (f, h) in V1_0_2 {
            assert!(f.ends_with(".schema.json"));
            assert_eq!(h.len(), 64);
            assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
        }
        assert_eq!(join("http://x/a/", "f.json"), join("http://x/a", "f.json"));
    }

    #[test]
    fn explicit_dir_wins() {
        let (d, o) = schema_dir(Some(Path::new("/some/where"))).unwrap();
        assert_eq!(
            (d.as_path(), o),
            (Path::new("/some/where"), Origin::Explicit)
        );
    }

    #[test]
    fn missing_folder_says_where_and_how() {
        let t = tempfile::tempdir().unwrap();
        let e = load(Some(&t.path().join("nope"))).unwrap_err();
        let s = e.to_string();
        assert!(
            s.contains("nope") && s.contains("gtrack fairtracks get-schemas"),
            "{s}"
        );
        let e = load(Some(t.path())).unwrap_err().to_string();
        assert!(e.contains("holds no fairtracks.schema.json"), "{e}");
    }
}

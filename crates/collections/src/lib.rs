//! Track collections: where tracks live and how to find, describe and
//! fetch them.
//!
//! - [`catalog`]: the embedded catalogue of public track collections.
//! - [`gsuite`]: GSuite 0.9, the tabular format for collections of tracks.
//! - [`fairtracks`]: FAIRtracks v1.0.2 JSON metadata, validated offline.
//! - [`hub`]: UCSC track hubs (hub.txt / genomes.txt / trackDb.txt) and the
//!   Track Hub Registry client.
//! - [`search`]: a local SQLite full-text index with a typed query language.
//! - [`fetch`]: verified, resumable downloads into a content-addressed cache.

pub mod catalog;
pub mod fairtracks;
pub mod fetch;
pub mod gsuite;
pub mod hub;
pub mod search;

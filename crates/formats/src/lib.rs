//! # gtrack-formats: track formats, read and written
//!
//! One module per format family, each with a streaming reader and a
//! writer that map the format onto the track model of [`gtrack_core`].
//! So far: [`gtrack`] (GTrack 1.0, complete: reader, validator, writer,
//! and the GTrack tools).
//!
//! ```
//! use gtrack_formats::gtrack;
//! let text = "##track type: valued segments\n###seqid\tstart\tend\tvalue\nchr1\t10\t20\t0.5\n";
//! let parsed = gtrack::read_str(text, "example.gtrack").unwrap();
//! assert_eq!(parsed.track.len(), 1);
//! assert_eq!(parsed.track.seqs[0].starts, vec![10]);
//! let out = gtrack::write_string(&parsed.track, &gtrack::WriteOptions::default());
//! assert!(out.contains("##track type: valued segments"));
//! ```

pub mod gtrack;
pub mod io;

//! # gtrack-formats: track formats, read and written
//!
//! One module per format family, each with a streaming reader and a
//! writer that map the format onto the track model of [`gtrack_core`]:
//! [`gtrack`] (GTrack 1.0, complete: reader, validator, writer, and the
//! GTrack tools), [`bed`] (BED3–BED12 and the BED-derived UCSC/ENCODE
//! formats), [`wig`] (bedGraph, WIG), [`gff`] (GFF2, GFF3, GTF), [`vcf`],
//! [`ucsc`] (PSL, genePred, interact, long-range, BEDPE, MAF), [`seq`]
//! (FASTA, 2bit, nib), [`big`] (bigWig, bigBed via bigtools) and
//! [`bioxsd`]. [`format`](mod@format) detects formats and converts between them;
//! [`chunked`] reads line-independent formats in parallel.
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

pub mod bed;
pub mod big;
pub mod bioxsd;
pub mod chunked;
pub mod error;
pub mod format;
pub mod gff;
pub mod gtrack;
pub mod io;
pub mod seq;
pub mod text;
pub mod ucsc;
pub mod vcf;
pub mod wig;

pub use error::{Error, FormatError, RuleInfo};
pub use format::{Format, ReadOptions, WriteOptions};

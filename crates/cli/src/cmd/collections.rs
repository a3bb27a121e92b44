//! `gtrack collections list|show ID|search TEXT [--json]`.

use std::process::ExitCode;

use anyhow::Result;
use gtrack_collections::catalog::{self, Collection};

/// Arguments of `collections`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(clap::Subcommand, Debug)]
enum Sub {
    /// List the catalogued track collections.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one collection: organisms, assays, access, relations.
    Show {
        /// Collection id (e.g. `encode`) or name.
        #[arg(value_name = "ID")]
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Find collections whose metadata contain every word of TEXT.
    Search {
        /// Words, e.g. `musculus methylation` or a taxon id `10090`.
        #[arg(value_name = "TEXT", required = true)]
        text: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn table(cs: &[&Collection]) {
    println!("id\tname\tdomains\torganisms");
    for c in cs {
        let orgs: Vec<&str> = c.organisms.iter().map(|o| o.name.as_str()).collect();
        let orgs = if orgs.is_empty() {
            "multiple".to_string()
        } else {
            orgs.join(", ")
        };
        println!("{}\t{}\t{}\t{}", c.id, c.name, c.domains.join(", "), orgs);
    }
}

/// Run `collections`.
pub fn run(a: Args) -> Result<ExitCode> {
    match a.cmd {
        Sub::List { json } => {
            let all: Vec<&Collection> = catalog::collections().iter().collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                table(&all);
            }
        }
        Sub::Search { text, json } => {
            let found = catalog::search(&text.join(" "));
            if json {
                println!("{}", serde_json::to_string_pretty(&found)?);
            } else {
                table(&found);
            }
        }
        Sub::Show { id, json } => {
            let Some(c) = catalog::get(&id) else {
                eprintln!(
                    "gtrack: error: no collection `{id}`; `gtrack collections list` shows the ids"
                );
                return Ok(ExitCode::from(2));
            };
            let links = catalog::links(&c.id);
            if json {
                let mut v = serde_json::to_value(c)?;
                v["links"] = serde_json::to_value(&links)?;
                println!("{}", serde_json::to_string_pretty(&v)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!("id\t{}", c.id);
            println!("name\t{}", c.name);
            if !c.aliases.is_empty() {
                println!("aliases\t{}", c.aliases.join("; "));
            }
            println!("urls\t{}", c.urls.join(" "));
            println!("domains\t{}", c.domains.join(", "));
            let orgs: Vec<String> = c
                .organisms
                .iter()
                .map(|o| match o.taxon {
                    Some(t) => format!("{} (taxon:{t})", o.name),
                    None => o.name.clone(),
                })
                .collect();
            println!("organisms\t{} [{}]", orgs.join(", "), c.organism_scope);
            println!("assays\t{}", c.assays.join("; "));
            println!("organisation\t{}", c.organisation);
            for x in &c.access {
                println!("access\t{:?}\t{}", x.kind, x.url);
            }
            for l in &links {
                println!("relation\t{}\t{}", l.relation, l.other);
            }
            for r in &c.external_relations {
                println!(
                    "external\t{}\t{}{}",
                    r.kind.name(),
                    r.name,
                    r.url
                        .as_deref()
                        .map(|u| format!(" <{u}>"))
                        .unwrap_or_default()
                );
            }
            if let Some(n) = &c.note {
                println!("note\t{n}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

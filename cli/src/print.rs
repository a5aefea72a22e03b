//! What every area prints the same way: JSON (`--json`), a record as `field: value`
//! lines, and the verbs every kind shares (`list`, `show`, `set`, `delete`: the
//! `Common` subcommands), which call `api` and print. Shared code: it names no area.

use anyhow::{Context, Result, anyhow};
use comeback_core::api;
use comeback_core::model::Record;
use serde_json::Value as Json;

use crate::args::{Cli, Common};
use crate::open;

pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).context("writing JSON")?
    );
    Ok(())
}

/// A record as `field: value` lines (`--json` prints `api::get_json` instead).
pub fn show_record<R: Record>(rec: &R) -> Result<()> {
    let value = serde_json::to_value(rec).context("reading the record")?;
    if let Json::Object(fields) = value {
        for (k, v) in fields {
            let shown = match v {
                Json::String(s) => s,
                other => other.to_string(),
            };
            if !shown.is_empty() {
                println!("{k}: {shown}");
            }
        }
    }
    Ok(())
}

pub fn common<R: Record>(cli: &Cli, cmd: &Common) -> Result<()> {
    match cmd {
        Common::List { limit, json } => {
            let vault = open(cli)?;
            if *json {
                return print_json(&api::list_json(&vault, R::KIND, *limit, 0)?);
            }
            let records: Vec<R> = api::list(&vault, *limit)?;
            for r in &records {
                println!("{}  {}", r.id(), r.title());
            }
            Ok(())
        }
        Common::Show { id, json } => {
            let vault = open(cli)?;
            if *json {
                return print_json(&api::get_json(&vault, R::KIND, id)?);
            }
            let rec: R = api::get(&vault, id)?;
            show_record(&rec)
        }
        Common::Set { id, sets, version } => {
            let patch = sets_to_patch(sets)?;
            let mut vault = open(cli)?;
            api::patch::<R>(&mut vault, id, &patch, version.as_deref())?;
            Ok(())
        }
        Common::Delete { id } => {
            let mut vault = open(cli)?;
            api::delete::<R>(&mut vault, id)?;
            Ok(())
        }
    }
}

/// `a.b=3` → `{"a": {"b": 3}}`; a value that is not JSON is taken as text.
fn sets_to_patch(sets: &[String]) -> Result<Json> {
    let mut patch = serde_json::Map::new();
    for set in sets {
        let (path, raw) = set
            .split_once('=')
            .ok_or_else(|| anyhow!("--set {set}: write it as FIELD=VALUE"))?;
        let value = serde_json::from_str::<Json>(raw).unwrap_or_else(|_| Json::String(raw.into()));
        let mut keys: Vec<&str> = path.split('.').collect();
        let last = keys.pop().unwrap_or_default();
        let mut node = &mut patch;
        for k in keys {
            let next = node
                .entry(k.to_string())
                .or_insert_with(|| Json::Object(Default::default()));
            node = next
                .as_object_mut()
                .ok_or_else(|| anyhow!("--set {set}: {k} is set twice"))?;
        }
        node.insert(last.to_string(), value);
    }
    Ok(Json::Object(patch))
}

//! One module per subcommand.

pub mod audit;
pub mod check;
pub mod demo;
pub mod dsr;
pub mod init;
pub mod map;
pub mod notice;
pub mod outbox;
pub mod request;
pub mod retention;
pub mod rights;
pub mod ropa;
pub mod rules;
pub mod schema;
pub mod serve;
pub mod staff;
pub mod taxonomy;

use skydd_core::Lang;

use crate::cli::LangChoice;

/// The languages a choice stands for.
pub fn langs(choice: LangChoice) -> Vec<Lang> {
    match choice {
        LangChoice::Sv => vec![Lang::Sv],
        LangChoice::En => vec![Lang::En],
        LangChoice::All => Lang::ALL.to_vec(),
    }
}

/// A single language; `all` is a usage error where one document is produced.
pub fn one_lang(choice: LangChoice) -> anyhow::Result<Lang> {
    match choice {
        LangChoice::Sv => Ok(Lang::Sv),
        LangChoice::En => Ok(Lang::En),
        LangChoice::All => {
            anyhow::bail!("`--lang all` makes several documents; pick `sv` or `en` here")
        }
    }
}

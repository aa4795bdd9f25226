//! The provider registry: one description per provider and per account, which everything else
//! asks (the client for paths and wire formats, settings for defaults, pricing for fee rules, the
//! window through `providers_get`). Adding a provider is an entry in [`PROVIDERS`], a wire module
//! if its format is new (implementing [`WireFormat`]), and a test.

use serde::{Deserialize, Serialize};

use super::agent::{self, AgentMapper};
use super::chat_completions::{self as chat, ChatMapper, Flavor};
use super::types::AGENT_PRESETS;
use super::wire::WireFormat;

/// Which provider a request goes to; the registry ([`Provider::spec`]) says everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Perplexity Agent API, `POST /v1/agent` (current).
    #[default]
    Agent,
    /// The Sonar chat-completions format, `POST /chat/completions`: retired by Perplexity on
    /// 2026-09-27 (it answers 403), still spoken by gateways that serve Sonar models.
    Sonar,
    /// Any OpenAI-compatible endpoint (`/chat/completions` + `/models`), with its own key.
    OpenAi,
}

/// Whose key: one keyring entry each, bound to one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Account {
    /// Perplexity (Agent API and Sonar share the key and the address).
    Perplexity,
    /// The OpenAI-compatible endpoint.
    OpenAi,
}

/// How a provider's prices are read from a price row, beyond tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FeeRules {
    /// Sonar: a request fee by search context size, citation tokens, searches per 1,000.
    Sonar,
    /// Agent API: the web search tool's price per call, search results read as input tokens.
    AgentTools,
    /// Tokens only.
    TokensOnly,
}

/// One provider, as the rest of the app needs it.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProviderSpec {
    pub id: Provider,
    /// What Settings and the welcome screen call it.
    pub label: &'static str,
    /// One line under the label.
    pub hint: &'static str,
    /// In tables, beside a price: "Agent API".
    pub short_label: &'static str,
    pub account: Account,
    /// Appended to the account's address.
    #[serde(skip)]
    pub chat_path: &'static str,
    /// `GET` for the model list, appended to the address; `None`: the built-in list only.
    #[serde(skip)]
    pub models_path: Option<&'static str>,
    /// The address is what an OpenAI SDK takes (it ends in `/v1`), so the model list is
    /// `{address}/models` rather than `{address}/v1/models`.
    #[serde(skip)]
    pub sdk_base: bool,
    /// Known when this version was released; shown when the endpoint cannot be asked.
    pub builtin_models: &'static [&'static str],
    /// Names the server resolves to a model and tools (the Agent API's presets).
    pub presets: &'static [&'static str],
    /// The model new conversations start with until the person picks another.
    pub default_model: &'static str,
    /// The model ids it could serve beyond its list (a regular expression, as JavaScript reads
    /// it): a conversation kept with another id falls back to the default model.
    pub model_pattern: &'static str,
    /// Any id the endpoint serves may be typed ("Other model…").
    pub typed_models: bool,
    /// The model picker groups its models by vendor ("Perplexity", "OpenAI"…); otherwise they
    /// are one group under this heading.
    pub group_by_vendor: bool,
    pub models_heading: &'static str,
    /// Its live model list carries prices worth keeping (Perplexity's `/v1/models`).
    #[serde(skip)]
    pub priced_catalogue: bool,
    #[serde(skip)]
    pub fees: FeeRules,
    /// Offers search options (domains, recency, context size); otherwise why not.
    pub searches: bool,
    pub no_search_note: &'static str,
    /// Sends images and related questions when asked (Sonar).
    pub extras: bool,
    /// Where its background runs are polled, resumed and cancelled (`{path}/{id}`): the Agent
    /// API's `/v1/agent`. `None`: every answer is one stream, and a dropped one is not resumed.
    #[serde(skip)]
    pub runs_path: Option<&'static str>,
    /// Can run an answer in the background (see `runs_path`).
    pub background_runs: bool,
    /// The request format and the reader of its answers.
    #[serde(skip)]
    pub wire: fn() -> Box<dyn WireFormat>,
}

/// One account: its key and the address the key is sent to.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccountSpec {
    pub id: Account,
    /// "Perplexity API key" and the like are built from it.
    pub label: &'static str,
    /// The keyring entry's user name (`secret-tool search service Citewise user …`).
    #[serde(skip)]
    pub keyring_user: &'static str,
    /// The environment variable holding a session-only key.
    pub env_key: &'static str,
    /// The environment variable naming the address an environment key may be sent to.
    pub env_address: &'static str,
    pub address_label: &'static str,
    pub address_hint: &'static str,
    pub address_placeholder: &'static str,
    pub default_address: &'static str,
    /// The key, as a question about sending it elsewhere names it.
    pub key_name: &'static str,
    /// What a key of this account looks like, for the key field's placeholder.
    pub key_placeholder: &'static str,
    /// How its keys start, when they all do: a key that does not gets a gentle warning.
    pub key_prefix: &'static str,
    /// Above the key field in Settings.
    pub key_intro: &'static str,
    /// Under the provider choice: where this provider's key comes from.
    pub key_hint: &'static str,
    /// The welcome screen while there is no key: its title and first paragraph, and whether the
    /// steps to get a Perplexity key follow.
    pub welcome_title: &'static str,
    pub welcome_intro: &'static str,
    pub welcome_steps: bool,
}

pub const DEFAULT_BASE_URL: &str = "https://api.perplexity.ai";
pub const DEFAULT_OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

/// Agent API models known when this version was released (DESIGN §4 prices them).
pub const AGENT_MODELS: [&str; 3] = ["perplexity/sonar", "openai/gpt-5.4", "anthropic/claude-sonnet-4-6"];
/// Sonar chat-completions models.
pub const SONAR_MODELS: [&str; 4] = ["sonar", "sonar-pro", "sonar-reasoning-pro", "sonar-deep-research"];

/// Every provider, in the order Settings lists them.
pub static PROVIDERS: [ProviderSpec; 3] = [
    ProviderSpec {
        id: Provider::Agent,
        label: "Perplexity Agent API",
        hint: "Current API: presets and third-party models (default)",
        short_label: "Agent API",
        account: Account::Perplexity,
        chat_path: agent::PATH,
        models_path: Some("/v1/models"),
        sdk_base: false,
        builtin_models: &AGENT_MODELS,
        presets: &AGENT_PRESETS,
        default_model: "fast",
        model_pattern: r"^[^/\s]+/\S+$",
        typed_models: false,
        group_by_vendor: true,
        models_heading: "",
        priced_catalogue: true,
        fees: FeeRules::AgentTools,
        searches: true,
        no_search_note: "",
        extras: false,
        // As recorded (cfdude/mcp-perplexity-pro, 2026-10-09): GET /v1/agent/{id}, POST
        // /v1/agent/{id}/cancel. DESIGN §3.1 says /v1/responses/{id}; no recording shows it.
        runs_path: Some("/v1/agent"),
        background_runs: true,
        wire: || Box::new(AgentMapper::default()),
    },
    ProviderSpec {
        id: Provider::Sonar,
        label: "Sonar chat completions (retired by Perplexity)",
        hint: "Perplexity ended it on 27 September 2026; only for gateways that still serve it",
        short_label: "Sonar (retired)",
        account: Account::Perplexity,
        chat_path: chat::PATH,
        // `/v1/models` lists Agent API ids, not Sonar's.
        models_path: None,
        sdk_base: false,
        builtin_models: &SONAR_MODELS,
        presets: &[],
        default_model: "sonar",
        model_pattern: "^sonar",
        typed_models: false,
        group_by_vendor: false,
        models_heading: "Sonar models",
        priced_catalogue: false,
        fees: FeeRules::Sonar,
        searches: true,
        no_search_note: "",
        extras: true,
        runs_path: None,
        background_runs: false,
        wire: || Box::new(ChatMapper::new(Flavor::Sonar)),
    },
    ProviderSpec {
        id: Provider::OpenAi,
        label: "OpenAI-compatible endpoint",
        hint: "OpenAI itself or a local server",
        short_label: "OpenAI-compatible",
        account: Account::OpenAi,
        chat_path: chat::PATH,
        models_path: Some("/v1/models"),
        sdk_base: true,
        builtin_models: &[],
        presets: &[],
        default_model: "gpt-4o-mini",
        model_pattern: r"\S",
        typed_models: true,
        group_by_vendor: false,
        models_heading: "Models",
        priced_catalogue: false,
        fees: FeeRules::TokensOnly,
        searches: false,
        no_search_note: "OpenAI-compatible endpoints do not search the web.",
        extras: false,
        runs_path: None,
        background_runs: false,
        wire: || Box::new(ChatMapper::new(Flavor::OpenAi)),
    },
];

/// Every account, in the order Settings lists them.
pub static ACCOUNTS: [AccountSpec; 2] = [
    AccountSpec {
        id: Account::Perplexity,
        label: "Perplexity",
        keyring_user: "perplexity",
        env_key: "PERPLEXITY_API_KEY",
        env_address: "PERPLEXITY_BASE_URL",
        address_label: "Perplexity API address",
        address_hint: "Usually https://api.perplexity.ai. PERPLEXITY_BASE_URL, when set, overrides it for a session.",
        address_placeholder: DEFAULT_BASE_URL,
        default_address: DEFAULT_BASE_URL,
        key_name: "Perplexity API key",
        key_placeholder: "pplx-…",
        key_prefix: "pplx-",
        key_intro: "Your Perplexity key, used by the Agent API and Sonar.",
        key_hint: "The Agent API and Sonar share the Perplexity key from the API key section above.",
        welcome_title: "Add your Perplexity API key to start",
        welcome_intro: "Citewise asks Perplexity’s API with your own key, so you pay Perplexity directly and see what \
                        every answer costs.",
        welcome_steps: true,
    },
    AccountSpec {
        id: Account::OpenAi,
        label: "OpenAI-compatible",
        keyring_user: "openai-compatible",
        env_key: "OPENAI_API_KEY",
        env_address: "OPENAI_BASE_URL",
        address_label: "OpenAI-compatible address",
        address_hint: "The address an OpenAI SDK takes, ending in /v1, like https://api.openai.com/v1 or \
                       http://localhost:11434/v1.",
        address_placeholder: "https://…/v1",
        default_address: DEFAULT_OPENAI_BASE_URL,
        key_name: "API key for the OpenAI-compatible address",
        key_placeholder: "sk-…",
        key_prefix: "",
        key_intro: "The key of the OpenAI-compatible endpoint.",
        key_hint: "Uses its own key, set in the API key section above (or OPENAI_API_KEY in the environment).",
        welcome_title: "Add the key for your OpenAI-compatible endpoint",
        welcome_intro: "Paste the API key the endpoint expects. A local server that needs no key accepts any text, \
                        such as “none-needed”.",
        welcome_steps: false,
    },
];

impl Provider {
    pub fn spec(self) -> &'static ProviderSpec {
        PROVIDERS.iter().find(|p| p.id == self).expect("every provider has a registry entry")
    }

    pub fn account(self) -> Account {
        self.spec().account
    }

    pub fn all() -> impl Iterator<Item = Provider> {
        PROVIDERS.iter().map(|p| p.id)
    }
}

impl Account {
    pub fn spec(self) -> &'static AccountSpec {
        ACCOUNTS.iter().find(|a| a.id == self).expect("every account has a registry entry")
    }

    pub fn all() -> impl Iterator<Item = Account> {
        ACCOUNTS.iter().map(|a| a.id)
    }

    /// The keyring entry's user name.
    pub fn user(self) -> &'static str {
        self.spec().keyring_user
    }

    /// The environment variable holding a session-only key.
    pub fn env_var(self) -> &'static str {
        self.spec().env_key
    }

    /// The providers this account's key is used by, the first being the one chosen when the
    /// account is asked for on its own (its key checked, its models listed).
    pub fn providers(self) -> impl Iterator<Item = Provider> {
        PROVIDERS.iter().filter(move |p| p.account == self).map(|p| p.id)
    }
}

/// What `providers_get` gives the window: the registry, for its pickers and fields.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Registry {
    pub providers: &'static [ProviderSpec],
    pub accounts: &'static [AccountSpec],
}

pub fn registry() -> Registry {
    Registry { providers: &PROVIDERS, accounts: &ACCOUNTS }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_and_account_has_one_entry() {
        for (i, p) in PROVIDERS.iter().enumerate() {
            assert_eq!(PROVIDERS.iter().position(|q| q.id == p.id), Some(i), "{:?} twice", p.id);
            assert!(ACCOUNTS.iter().any(|a| a.id == p.account), "{:?}'s account is registered", p.id);
            assert!(p.chat_path.starts_with('/'));
            assert!(!p.default_model.is_empty());
            assert!(p.models_path.is_some() || !p.builtin_models.is_empty(), "{:?} offers some model", p.id);
        }
        for a in &ACCOUNTS {
            assert!(a.default_address.starts_with("https://"), "{:?} defaults to https", a.id);
            assert!(a.id.providers().next().is_some(), "{:?} is used by some provider", a.id);
        }
    }

    #[test]
    fn the_window_gets_ids_as_the_wire_spells_them() {
        let json = serde_json::to_value(registry()).unwrap();
        let ids: Vec<_> = json["providers"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect();
        assert_eq!(ids, ["agent", "sonar", "openai"]);
        assert_eq!(json["providers"][1]["account"], "perplexity");
        assert_eq!(json["providers"][0]["presets"][2], "medium");
        assert_eq!(json["accounts"][1]["defaultAddress"], DEFAULT_OPENAI_BASE_URL);
        assert!(json["providers"][0].get("chatPath").is_none(), "paths stay in the backend");
    }
}

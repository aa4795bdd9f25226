//! The messages of one conversation as a tree (`parent_id`): the branch shown (down from a leaf),
//! the newest leaf below a message, and each message's versions (its siblings of the same role).
//! Pure: no SQL, so it is tested on plain rows.

use std::collections::HashMap;

use super::rows::{StoredMessage, Versions};

/// The messages of one conversation as a tree, for walking branches.
pub(crate) struct Tree {
    pub messages: Vec<StoredMessage>,
    index: HashMap<String, usize>,
    /// Children of each message (`None`: the first questions), in the order written.
    children: HashMap<Option<String>, Vec<usize>>,
}

impl Tree {
    pub fn new(messages: Vec<StoredMessage>) -> Tree {
        let index = messages.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
        let mut children: HashMap<Option<String>, Vec<usize>> = HashMap::new();
        for (i, m) in messages.iter().enumerate() {
            children.entry(m.parent_id.clone()).or_default().push(i);
        }
        Tree { messages, index, children }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// From `id` down to the newest message below it (following the newest child each time).
    pub fn newest_leaf(&self, id: &str) -> Option<String> {
        let mut at = *self.index.get(id)?;
        while let Some(&child) = self.children.get(&Some(self.messages[at].id.clone())).and_then(|c| c.last()) {
            at = child;
        }
        Some(self.messages[at].id.clone())
    }

    /// The branch ending at `leaf`, oldest first, each with its versions filled in. An unknown
    /// leaf shows the newest branch.
    pub fn branch(mut self, leaf: Option<&str>) -> Vec<StoredMessage> {
        let leaf = leaf
            .filter(|l| self.contains(l))
            .map(str::to_owned)
            .or_else(|| self.children.get(&None).and_then(|roots| roots.last()).map(|&r| self.messages[r].id.clone()))
            .and_then(|start| self.newest_leaf(&start));
        let mut path = Vec::new();
        let mut at = leaf.and_then(|l| self.index.get(&l).copied());
        while let Some(i) = at {
            path.push(i);
            at = self.messages[i].parent_id.as_ref().and_then(|p| self.index.get(p).copied());
            if path.len() > self.messages.len() {
                break; // a cycle only a hand-edited file could have
            }
        }
        path.reverse();
        let versions: Vec<Versions> = path.iter().map(|&i| self.versions_of(i)).collect();
        let mut taken: Vec<Option<StoredMessage>> = std::mem::take(&mut self.messages).into_iter().map(Some).collect();
        path.iter()
            .zip(versions)
            .filter_map(|(&i, versions)| taken[i].take().map(|m| StoredMessage { versions, ..m }))
            .collect()
    }

    fn versions_of(&self, i: usize) -> Versions {
        let m = &self.messages[i];
        let siblings: Vec<String> = self
            .children
            .get(&m.parent_id)
            .map(|c| c.iter().filter(|&&s| self.messages[s].role == m.role).map(|&s| self.messages[s].id.clone()))
            .into_iter()
            .flatten()
            .collect();
        let index = siblings.iter().position(|s| *s == m.id).unwrap_or(0);
        Versions { index, count: siblings.len(), siblings }
    }

    pub fn versions(&self, id: &str) -> Versions {
        self.index.get(id).map(|&i| self.versions_of(i)).unwrap_or_default()
    }
}

/// From the first message down to `id`, following parents.
pub(crate) fn path_to(messages: Vec<StoredMessage>, id: &str) -> Vec<StoredMessage> {
    let mut by_id: HashMap<String, StoredMessage> = messages.into_iter().map(|m| (m.id.clone(), m)).collect();
    let mut path = Vec::new();
    let mut at = Some(id.to_owned());
    while let Some(m) = at.and_then(|id| by_id.remove(&id)) {
        at = m.parent_id.clone();
        path.push(m);
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Role;
    use crate::history::rows::MessageStatus;

    fn m(id: &str, parent: Option<&str>, role: Role) -> StoredMessage {
        StoredMessage::new(id.into(), parent.map(String::from), role, id, MessageStatus::Complete, 0)
    }

    /// q1 → a1 → q2 → a2, with q1's edit q1b → a1b, and a1's regenerated answer a1r.
    fn tree() -> Tree {
        Tree::new(vec![
            m("q1", None, Role::User),
            m("a1", Some("q1"), Role::Assistant),
            m("q2", Some("a1"), Role::User),
            m("a2", Some("q2"), Role::Assistant),
            m("q1b", None, Role::User),
            m("a1b", Some("q1b"), Role::Assistant),
            m("a1r", Some("q1"), Role::Assistant),
        ])
    }

    fn ids(branch: &[StoredMessage]) -> Vec<&str> {
        branch.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn the_branch_runs_from_the_first_question_to_its_leaf() {
        assert_eq!(ids(&tree().branch(Some("a2"))), ["q1", "a1", "q2", "a2"]);
        assert_eq!(ids(&tree().branch(Some("a1b"))), ["q1b", "a1b"]);
    }

    #[test]
    fn an_unknown_or_missing_leaf_shows_the_newest_branch() {
        assert_eq!(ids(&tree().branch(None)), ["q1b", "a1b"]);
        assert_eq!(ids(&tree().branch(Some("gone"))), ["q1b", "a1b"]);
    }

    #[test]
    fn a_message_in_the_middle_continues_to_its_newest_leaf() {
        let t = tree();
        assert_eq!(t.newest_leaf("q1").as_deref(), Some("a1r"), "the newest answer wins");
        assert_eq!(t.newest_leaf("a1").as_deref(), Some("a2"));
        assert_eq!(t.newest_leaf("nope"), None);
        assert_eq!(ids(&tree().branch(Some("q2"))), ["q1", "a1", "q2", "a2"]);
    }

    #[test]
    fn versions_are_siblings_of_the_same_role_oldest_first() {
        let t = tree();
        let q = t.versions("q1b");
        assert_eq!((q.index, q.count), (1, 2));
        assert_eq!(q.siblings, ["q1", "q1b"]);
        let a = t.versions("a1r");
        assert_eq!((a.index, a.count, a.siblings), (1, 2, vec!["a1".to_string(), "a1r".to_string()]));
        assert_eq!(t.versions("unknown"), Versions::default());
        let shown = tree().branch(Some("a2"));
        assert_eq!(shown[1].versions.count, 2, "the branch carries each message's versions");
    }

    #[test]
    fn the_path_to_a_message_follows_its_parents() {
        let all = tree().messages;
        assert_eq!(ids(&path_to(all.clone(), "q2")), ["q1", "a1", "q2"]);
        assert!(path_to(all, "gone").is_empty());
    }
}

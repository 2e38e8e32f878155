//! What a parsed document amounts to, computed from its syntax tree alone:
//! how many selections it expands to once every fragment spread is replaced by
//! its fragment (what validation and execution will walk), and its canonical
//! text (the response cache's key). Both are linear in the document's size:
//! each fragment is measured once and remembered, so ten spreads of a fragment
//! that spreads another ten times cost two steps, not a hundred.
//!
//! This module only measures; the cost guard (`cost.rs`) decides what to refuse.

use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationType, Selection, SelectionSet, VariableDefinition,
};
use async_graphql::parser::Positioned;
use async_graphql::Name;
use async_graphql_value::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// The size of a document with every fragment spread expanded. Counts saturate at
/// `u64::MAX`: a document can describe more selections than any number holds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Expansion {
    /// Fields selected (each field once per place it is reached).
    pub selections: u64,
    /// Of them, fields with an alias.
    pub aliases: u64,
}

impl Expansion {
    fn add(self, o: Expansion) -> Expansion {
        Expansion {
            selections: self.selections.saturating_add(o.selections),
            aliases: self.aliases.saturating_add(o.aliases),
        }
    }
}

/// Fragments measured so far; `None` while one is being measured (a cycle, which
/// validation refuses, counts as nothing here rather than looping).
struct Measure<'a> {
    doc: &'a ExecutableDocument,
    fragments: HashMap<&'a str, Option<Expansion>>,
}

impl<'a> Measure<'a> {
    fn set(&mut self, set: &'a SelectionSet) -> Expansion {
        set.items.iter().fold(Expansion::default(), |acc, s| {
            acc.add(self.selection(&s.node))
        })
    }

    fn selection(&mut self, s: &'a Selection) -> Expansion {
        match s {
            Selection::Field(f) => Expansion {
                selections: 1,
                aliases: u64::from(f.node.alias.is_some()),
            }
            .add(self.set(&f.node.selection_set.node)),
            Selection::InlineFragment(i) => self.set(&i.node.selection_set.node),
            Selection::FragmentSpread(sp) => self.fragment(sp.node.fragment_name.node.as_str()),
        }
    }

    fn fragment(&mut self, name: &'a str) -> Expansion {
        match self.fragments.get(name) {
            Some(Some(e)) => return *e,
            Some(None) => return Expansion::default(),
            None => {}
        }
        let Some(def) = self.doc.fragments.get(name) else {
            // An unknown fragment: validation reports it.
            return Expansion::default();
        };
        self.fragments.insert(name, None);
        let e = self.set(&def.node.selection_set.node);
        self.fragments.insert(name, Some(e));
        e
    }
}

/// The document's size with fragments expanded. Selections count every operation
/// and every fragment definition (validation walks each definition as well as each
/// spread of it); aliases count the operations only (what an answer can hold).
pub fn expand(doc: &ExecutableDocument) -> Expansion {
    let mut m = Measure {
        doc,
        fragments: HashMap::new(),
    };
    let ops = doc
        .operations
        .iter()
        .fold(Expansion::default(), |acc, (_, op)| {
            acc.add(m.set(&op.node.selection_set.node))
        });
    let defs = doc
        .fragments
        .keys()
        .fold(Expansion::default(), |acc, name| {
            acc.add(m.fragment(name.as_str()))
        });
    Expansion {
        selections: ops.selections.saturating_add(defs.selections),
        aliases: ops.aliases,
    }
}

/// The document printed in one canonical way: no comments, single spaces, strings
/// escaped one way, operations and fragments in the order of their names. Two
/// documents have the same canonical text exactly when they have the same syntax
/// tree (positions aside), so equal texts mean equal meaning, and documents that
/// differ in meaning never share a text.
pub fn canonical(doc: &ExecutableDocument) -> String {
    let mut out = String::new();
    let mut ops: Vec<_> = doc.operations.iter().collect();
    ops.sort_by(|a, b| a.0.map(Name::as_str).cmp(&b.0.map(Name::as_str)));
    for (name, op) in ops {
        let op = &op.node;
        out.push_str(match op.ty {
            OperationType::Query => "query",
            OperationType::Mutation => "mutation",
            OperationType::Subscription => "subscription",
        });
        if let Some(n) = name {
            out.push(' ');
            out.push_str(n);
        }
        variables(&mut out, &op.variable_definitions);
        directives(&mut out, &op.directives);
        selections(&mut out, &op.selection_set.node);
    }
    let mut frags: Vec<_> = doc.fragments.iter().collect();
    frags.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    for (name, f) in frags {
        let _ = write!(
            out,
            "fragment {name} on {}",
            f.node.type_condition.node.on.node
        );
        directives(&mut out, &f.node.directives);
        selections(&mut out, &f.node.selection_set.node);
    }
    out
}

fn variables(out: &mut String, defs: &[Positioned<VariableDefinition>]) {
    if defs.is_empty() {
        return;
    }
    out.push('(');
    for (i, d) in defs.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let d = &d.node;
        let _ = write!(out, "${}:{}", d.name.node, d.var_type.node);
        if let Some(v) = &d.default_value {
            out.push('=');
            value(out, &v.node.clone().into_value());
        }
        directives(out, &d.directives);
    }
    out.push(')');
}

fn directives(out: &mut String, ds: &[Positioned<Directive>]) {
    for d in ds {
        out.push_str(" @");
        out.push_str(&d.node.name.node);
        arguments(out, &d.node.arguments);
    }
}

fn arguments(out: &mut String, args: &[(Positioned<Name>, Positioned<Value>)]) {
    if args.is_empty() {
        return;
    }
    out.push('(');
    for (i, (name, v)) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&name.node);
        out.push(':');
        value(out, &v.node);
    }
    out.push(')');
}

fn selections(out: &mut String, set: &SelectionSet) {
    out.push('{');
    for (i, s) in set.items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match &s.node {
            Selection::Field(f) => {
                let f = &f.node;
                if let Some(a) = &f.alias {
                    out.push_str(&a.node);
                    out.push(':');
                }
                out.push_str(&f.name.node);
                arguments(out, &f.arguments);
                directives(out, &f.directives);
                if !f.selection_set.node.items.is_empty() {
                    selections(out, &f.selection_set.node);
                }
            }
            Selection::FragmentSpread(sp) => {
                out.push_str("...");
                out.push_str(&sp.node.fragment_name.node);
                directives(out, &sp.node.directives);
            }
            Selection::InlineFragment(inl) => {
                out.push_str("...");
                if let Some(t) = &inl.node.type_condition {
                    out.push_str(" on ");
                    out.push_str(&t.node.on.node);
                }
                directives(out, &inl.node.directives);
                selections(out, &inl.node.selection_set.node);
            }
        }
    }
    out.push('}');
}

fn value(out: &mut String, v: &Value) {
    match v {
        Value::Variable(n) => {
            out.push('$');
            out.push_str(n);
        }
        Value::Null => out.push_str("null"),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => string(out, s),
        Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        // Not produced by the parser; printed so that it can never pass for a string.
        Value::Binary(b) => {
            let _ = write!(out, "<binary {b:?}>");
        }
        Value::Enum(n) => out.push_str(n),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                value(out, item);
            }
            out.push('}');
        }
    }
}

/// A string value as one quoted string: `"` and `\` escaped, every control
/// character as `\uXXXX`. Block strings arrive here already unfolded by the parser.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn doc(q: &str) -> ExecutableDocument {
        parse_query(q).unwrap_or_else(|e| panic!("{q}: {e}"))
    }

    /// Expansion the slow way: every spread replaced by its fragment, recursively.
    fn naive(doc: &ExecutableDocument, set: &SelectionSet) -> Expansion {
        set.items
            .iter()
            .fold(Expansion::default(), |acc, s| match &s.node {
                Selection::Field(f) => acc
                    .add(Expansion {
                        selections: 1,
                        aliases: u64::from(f.node.alias.is_some()),
                    })
                    .add(naive(doc, &f.node.selection_set.node)),
                Selection::InlineFragment(i) => acc.add(naive(doc, &i.node.selection_set.node)),
                Selection::FragmentSpread(sp) => {
                    let f = &doc.fragments[&sp.node.fragment_name.node];
                    acc.add(naive(doc, &f.node.selection_set.node))
                }
            })
    }

    fn naive_total(d: &ExecutableDocument) -> Expansion {
        let ops = d
            .operations
            .iter()
            .fold(Expansion::default(), |a, (_, op)| {
                a.add(naive(d, &op.node.selection_set.node))
            });
        let defs = d.fragments.values().fold(Expansion::default(), |a, f| {
            a.add(naive(d, &f.node.selection_set.node))
        });
        Expansion {
            selections: ops.selections + defs.selections,
            aliases: ops.aliases,
        }
    }

    /// A chain of `levels` fragments, each spreading the one below `fan` times.
    fn chain(levels: usize, fan: usize) -> String {
        let mut q = format!("query {{ ...W{levels} }} fragment W0 on QueryRoot {{ __typename }}");
        for l in 1..=levels {
            let spreads = format!("...W{} ", l - 1).repeat(fan);
            let _ = write!(q, " fragment W{l} on QueryRoot {{ {spreads}}}");
        }
        q
    }

    /// Random documents of fields, aliases, inline fragments and acyclic fragment
    /// spreads (a fragment spreads only fragments defined before it).
    fn random_document(rng: &mut fastrand::Rng) -> String {
        fn set(rng: &mut fastrand::Rng, depth: usize, frags: usize) -> String {
            let n = rng.usize(1..5);
            let mut s = String::from("{");
            for i in 0..n {
                match rng.u8(0..4) {
                    0 if frags > 0 => {
                        let _ = write!(s, " ...F{}", rng.usize(0..frags));
                    }
                    1 if depth > 0 => {
                        let _ = write!(s, " ... on QueryRoot {}", set(rng, depth - 1, frags));
                    }
                    2 if depth > 0 => {
                        let _ = write!(s, " f{i}(x: \"a{i}\") {}", set(rng, depth - 1, frags));
                    }
                    _ if rng.bool() => {
                        let _ = write!(s, " a{i}: f{i}");
                    }
                    _ => {
                        let _ = write!(s, " f{i}");
                    }
                }
            }
            s.push_str(" }");
            s
        }
        let frags = rng.usize(0..6);
        let mut q = format!("query {}", set(rng, 3, frags));
        for f in 0..frags {
            let _ = write!(q, " fragment F{f} on QueryRoot {}", set(rng, 2, f));
        }
        q
    }

    #[test]
    fn expansion_equals_the_naive_count_on_random_documents() {
        let mut rng = fastrand::Rng::with_seed(15);
        for _ in 0..500 {
            let q = random_document(&mut rng);
            let d = doc(&q);
            assert_eq!(expand(&d), naive_total(&d), "{q}");
        }
    }

    #[test]
    fn a_fragment_chain_is_measured_without_being_expanded() {
        // 10^7 and 10^8 selections, measured in a few hundred steps.
        let seven = expand(&doc(&chain(7, 10)));
        assert!(seven.selections >= 10_000_000, "{seven:?}");
        let eight = expand(&doc(&chain(8, 10)));
        assert!(eight.selections >= 100_000_000, "{eight:?}");
        // 40 levels of 10: far past u64, saturated rather than wrapped.
        assert_eq!(expand(&doc(&chain(40, 10))).selections, u64::MAX);
        // Small chains agree with the naive count.
        for levels in 0..4 {
            let d = doc(&chain(levels, 3));
            assert_eq!(expand(&d), naive_total(&d));
        }
    }

    #[test]
    fn a_fragment_cycle_does_not_loop() {
        let d = doc("{ ...A } fragment A on Q { a ...B } fragment B on Q { b ...A }");
        assert!(expand(&d).selections < 10);
    }

    #[test]
    fn canonical_text_ignores_layout_and_keeps_meaning() {
        let a = canonical(&doc("{\n  a(x: \"p  ,q\") , # note\n  b }"));
        let b = canonical(&doc("query{a(x:\"p  ,q\") b}"));
        assert_eq!(a, b);
        assert_eq!(a, "query{a(x:\"p  ,q\") b}");
        // A block string and the plain string it stands for are one value.
        assert_eq!(
            canonical(&doc(r#"{ a(x: """x "y" z""") }"#)),
            canonical(&doc(r#"{ a(x: "x \"y\" z") }"#))
        );
    }

    #[test]
    fn escaped_quotes_and_hashes_in_block_strings_keep_documents_apart() {
        // The response cache once keyed these two as one document.
        let catering = canonical(&doc(
            r#"{cooperatives(filter:{text:"""\""" # catering"""}){totalCount}}"#,
        ));
        let care = canonical(&doc(
            r#"{cooperatives(filter:{text:"""\""" # opieka"""}){totalCount}}"#,
        ));
        assert_ne!(catering, care);
        assert!(catering.contains("# catering"), "{catering}");
    }

    #[test]
    fn documents_that_differ_in_meaning_never_share_a_canonical_text() {
        // Random pairs: equal canonical texts only where the trees are equal.
        let mut rng = fastrand::Rng::with_seed(16);
        let mut seen: HashMap<String, String> = HashMap::new();
        let strings = [
            "a", "a ", "\"", "\\", "#", "\\\"", "\n", "\u{1}", "\u{11}", "1",
        ];
        for _ in 0..2000 {
            let s = strings[rng.usize(0..strings.len())];
            let t = strings[rng.usize(0..strings.len())];
            let field = ["a", "b"][rng.usize(0..2)];
            let q = format!(
                "{{ {field}(x: {}, y: {}) }}",
                serde_json::to_string(s).unwrap_or_default(),
                serde_json::to_string(t).unwrap_or_default()
            );
            let d = doc(&q);
            let tree = format!("{field}|{s}|{t}");
            let key = canonical(&d);
            if let Some(prev) = seen.insert(key.clone(), tree.clone()) {
                assert_eq!(prev, tree, "{key}");
            }
        }
        assert!(seen.len() > 100);
    }
}

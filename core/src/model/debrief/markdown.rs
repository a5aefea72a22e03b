//! The debrief as one Markdown document: a heading per step, prose as written, the
//! why-tree as a nested list by parent.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::super::{first_line, ymd};
use super::{Debrief, WhyNode};

impl Debrief {
    /// The whole debrief as one Markdown document that reads well without the app.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        // Writing to a String cannot fail, so the fmt::Results below are safe to drop.
        let _ = self.write_markdown(&mut md);
        md.truncate(md.trim_end().len());
        md.push('\n');
        md
    }

    fn write_markdown(&self, md: &mut String) -> std::fmt::Result {
        let title = first_line(&self.title, 200);
        let title = if title.is_empty() {
            "Debrief"
        } else {
            title.as_str()
        };
        writeln!(md, "# {title}\n")?;
        write!(
            md,
            "- Setback: {}\n- Started: {}\n",
            self.setback.label(),
            ymd(self.started_on)
        )?;
        if let Some(block) = &self.scheduled {
            let start = block.start.replace('T', " ");
            writeln!(md, "- Scheduled: {start}, {} minutes", block.minutes)?;
        }
        if self.completed {
            writeln!(md, "- Status: complete")?;
        } else {
            writeln!(md, "- Status: in progress (at {})", self.step.label())?;
        }

        writeln!(md, "\n## 1. Unload\n")?;
        para(md, &self.unload)?;

        writeln!(md, "## 2. Intent\n\n### What was supposed to happen\n")?;
        para(md, &self.intent)?;
        writeln!(md, "### How success was measured\n")?;
        para(md, &self.success_measure)?;

        writeln!(md, "## 3. Timeline\n")?;
        for event in &self.timeline {
            let when = event.date.map_or_else(|| "Undated".to_owned(), ymd);
            write!(md, "- **{when}**: {}", indent(or_dash(&event.fact), 2))?;
            if let Some(entry) = &event.entry_id {
                write!(md, " (journal entry `{entry}`)")?;
            }
            writeln!(md)?;
        }
        none_if_empty(md, self.timeline.is_empty())?;

        writeln!(md, "## 4. Probing questions\n")?;
        for probe in &self.questions {
            let rating = probe
                .rating
                .map_or_else(|| "not rated".to_owned(), |r| format!("{r}/5"));
            writeln!(md, "- **{}** ({rating})", indent(probe.question.trim(), 2))?;
            if !probe.evidence.trim().is_empty() {
                writeln!(md, "  - Evidence: {}", indent(probe.evidence.trim(), 4))?;
            }
        }
        none_if_empty(md, self.questions.is_empty())?;

        writeln!(md, "## 5. Why-tree\n")?;
        self.write_why_tree(md)?;
        none_if_empty(md, self.why_tree.is_empty())?;

        writeln!(md, "## 6. Hot thought\n")?;
        let thought = self.hot_thought.thought.trim();
        if thought.is_empty() {
            writeln!(md, "_Not written._\n")?;
        } else {
            for line in thought.lines() {
                writeln!(md, "> {line}")?;
            }
            writeln!(md)?;
        }
        let belief =
            |v: Option<u8>| v.map_or_else(|| "not rated".to_owned(), |v| format!("{v}/100"));
        writeln!(
            md,
            "- Belief before looking at the evidence: {}\n- Belief after: {}\n",
            belief(self.hot_thought.before),
            belief(self.hot_thought.after)
        )?;

        writeln!(md, "## 7. Lessons\n\n### Keep\n")?;
        para(md, &self.keep)?;
        writeln!(md, "### Change\n")?;
        para(md, &self.change)?;
        for (i, lesson) in self.lessons.iter().enumerate() {
            writeln!(md, "### Lesson {}\n", i + 1)?;
            para(md, &lesson.lesson)?;
            let due = lesson.due.map_or_else(|| "no date yet".to_owned(), ymd);
            writeln!(md, "- Action: {}", indent(or_dash(&lesson.action), 2))?;
            writeln!(md, "- Due: {due}")?;
            writeln!(
                md,
                "- Test of success: {}\n",
                indent(or_dash(&lesson.success_test), 2)
            )?;
        }

        writeln!(md, "## 8. Self-compassion close\n\n### The feeling\n")?;
        para(md, &self.close.feeling)?;
        writeln!(md, "### Others have been here too\n")?;
        para(md, &self.close.others_too)?;
        writeln!(md, "### A kind word to myself\n")?;
        para(md, &self.close.kind_word)?;
        Ok(())
    }

    /// Nested list by parent. Nodes unreachable from a root (only possible in data that
    /// failed validation) are still written out at the top level, so nothing is lost.
    fn write_why_tree(&self, md: &mut String) -> std::fmt::Result {
        let ids: HashSet<&str> = self.why_tree.iter().map(|n| n.id.as_str()).collect();
        let mut children: HashMap<&str, Vec<&WhyNode>> = HashMap::new();
        let mut roots = Vec::new();
        for node in &self.why_tree {
            match node.parent.as_deref() {
                Some(p) if ids.contains(p) && p != node.id => {
                    children.entry(p).or_default().push(node);
                }
                _ => roots.push(node),
            }
        }
        let mut written = HashSet::new();
        let mut stack: Vec<(&WhyNode, usize)> = roots.iter().rev().map(|n| (*n, 0)).collect();
        let mut leftovers = self.why_tree.iter();
        while let Some((node, depth)) = stack.pop().or_else(|| {
            leftovers
                .find(|n| !written.contains(n.id.as_str()))
                .map(|n| (n, 0))
        }) {
            if !written.insert(node.id.as_str()) {
                continue;
            }
            let pad = "  ".repeat(depth);
            let inner = depth * 2 + 2;
            writeln!(
                md,
                "{pad}- {} ({})",
                indent(or_dash(&node.cause), inner),
                node.control.label()
            )?;
            if !node.evidence.trim().is_empty() {
                writeln!(
                    md,
                    "{pad}  - Evidence: {}",
                    indent(node.evidence.trim(), inner + 2)
                )?;
            }
            if let Some(kids) = children.get(node.id.as_str()) {
                stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
            }
        }
        Ok(())
    }
}

fn para(md: &mut String, text: &str) -> std::fmt::Result {
    let text = text.trim();
    if text.is_empty() {
        writeln!(md, "_Not written._\n")
    } else {
        writeln!(md, "{text}\n")
    }
}

fn none_if_empty(md: &mut String, empty: bool) -> std::fmt::Result {
    if empty {
        writeln!(md, "_None yet._\n")
    } else {
        writeln!(md)
    }
}

fn or_dash(text: &str) -> &str {
    let t = text.trim();
    if t.is_empty() { "_not written_" } else { t }
}

/// Continuation lines of a multi-line value indented to stay inside its list item.
fn indent(text: &str, spaces: usize) -> String {
    let pad = " ".repeat(spaces);
    text.trim()
        .lines()
        .collect::<Vec<_>>()
        .join(&format!("\n{pad}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test
mod tests {
    use super::super::tests::{debrief, full, node};
    use super::*;

    #[test]
    fn the_markdown_has_a_heading_for_every_step_and_the_users_words() {
        let md = full().to_markdown();
        for heading in [
            "# Leaving Acme",
            "## 1. Unload",
            "## 2. Intent",
            "## 3. Timeline",
            "## 4. Probing questions",
            "## 5. Why-tree",
            "## 6. Hot thought",
            "## 7. Lessons",
            "## 8. Self-compassion close",
        ] {
            assert!(md.contains(heading), "missing {heading} in\n{md}");
        }
        for words in [
            "It all went so fast.",
            "Orders per month.",
            "- **2023-06-01**: Quit my job (journal entry `e9`)",
            "- **Undated**: Ran out of money",
            "> I'm unemployable",
            "90/100",
            "40/100",
            "Save before leaping",
            "- Action: Save six months of expenses",
            "- Due: 2024-09-01",
            "You tried something brave",
            "Scheduled: 2024-03-09 09:30, 150 minutes",
        ] {
            assert!(md.contains(words), "missing {words:?} in\n{md}");
        }
    }

    #[test]
    fn the_markdown_why_tree_nests_children_under_their_parent() {
        let md = full().to_markdown();
        let tree = "- cause a (within my control)\n  - Evidence: Bank statements\n  - cause b (partly within my control)\n    - cause d (partly within my control)\n- cause c (outside my control)\n";
        assert!(md.contains(tree), "{md}");
    }

    #[test]
    fn the_markdown_still_lists_causes_caught_in_a_loop() {
        let db = Debrief {
            why_tree: vec![node("a", Some("b")), node("b", Some("a"))],
            ..debrief()
        };
        let md = db.to_markdown();
        assert!(md.contains("cause a") && md.contains("cause b"), "{md}");
    }

    #[test]
    fn multi_line_prose_stays_inside_its_list_item() {
        let mut db = full();
        db.timeline[0].fact = "Quit\nthen regretted it".into();
        assert!(
            db.to_markdown()
                .contains("- **2023-06-01**: Quit\n  then regretted it")
        );
    }
}

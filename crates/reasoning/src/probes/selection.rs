//! Which tasks a probe set draws from, and the settings of a set as a person chooses them: the
//! page's lab API, validated in one place.

use serde::{Deserialize, Serialize};

use super::{generate, Probe, ProbeError, Task, MAX_PROBES};

/// One task, or all five. Its id is the task's id, or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum TaskSelection {
    All,
    One(Task),
}

impl TaskSelection {
    pub fn id(self) -> &'static str {
        match self {
            TaskSelection::All => "all",
            TaskSelection::One(task) => task.id(),
        }
    }

    pub fn parse(id: &str) -> Result<TaskSelection, ProbeError> {
        if id.trim().eq_ignore_ascii_case("all") {
            Ok(TaskSelection::All)
        } else {
            Task::from_id(id).map(TaskSelection::One)
        }
    }

    /// The tasks, in [`Task::ALL`] order.
    pub fn tasks(self) -> Vec<Task> {
        match self {
            TaskSelection::All => Task::ALL.to_vec(),
            TaskSelection::One(task) => vec![task],
        }
    }
}

impl TryFrom<String> for TaskSelection {
    type Error = String;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        TaskSelection::parse(&id).map_err(|e| e.to_string())
    }
}

impl From<TaskSelection> for String {
    fn from(selection: TaskSelection) -> String {
        selection.id().to_string()
    }
}

/// A set of probes as chosen: `per_task` items of each selected task from one seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeSettings {
    pub tasks: TaskSelection,
    pub per_task: usize,
    pub seed: u64,
}

impl ProbeSettings {
    pub fn validate(&self) -> Result<(), ProbeError> {
        let total = self.per_task.saturating_mul(self.tasks.tasks().len());
        if self.per_task == 0 || total > MAX_PROBES {
            return Err(ProbeError::Count(total));
        }
        Ok(())
    }

    /// The items, task by task; the same settings always give the same items.
    pub fn items(&self) -> Result<Vec<Probe>, ProbeError> {
        self.validate()?;
        let mut items = Vec::with_capacity(self.per_task * self.tasks.tasks().len());
        for task in self.tasks.tasks() {
            items.extend(generate(task, self.per_task, self.seed)?);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_all_means_every_task_in_order() {
        for id in ["all", "counting", "compass", "weekday", "negation", "constraints"] {
            let parsed = TaskSelection::parse(id).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed.id(), id);
            assert_eq!(serde_json::to_value(parsed).ok(), Some(serde_json::Value::from(id)));
        }
        assert!(serde_json::from_str::<TaskSelection>("\"colours\"").is_err());
        let settings = ProbeSettings { tasks: TaskSelection::All, per_task: 2, seed: 2025 };
        let items = settings.items().unwrap_or_else(|e| panic!("{e}"));
        let tasks: Vec<Task> = items.iter().map(|p| p.task).collect();
        assert_eq!(tasks, Task::ALL.iter().flat_map(|&t| [t, t]).collect::<Vec<_>>());
        // One task alone draws the same items as that task's share of the whole set.
        let one = ProbeSettings { tasks: TaskSelection::One(Task::Weekday), ..settings };
        assert_eq!(one.items().ok().as_deref(), Some(&items[4..6]));
    }

    #[test]
    fn the_set_size_is_bounded() {
        let settings = ProbeSettings { tasks: TaskSelection::All, per_task: 2_001, seed: 1 };
        assert_eq!(settings.validate(), Err(ProbeError::Count(10_005)));
        assert!(ProbeSettings { per_task: 0, ..settings }.validate().is_err());
        assert!(ProbeSettings { per_task: 2_000, ..settings }.validate().is_ok());
    }
}

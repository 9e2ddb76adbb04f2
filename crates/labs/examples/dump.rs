use frontier_labs::*;
use frontier_state::WidgetState;
fn show<T: Lab + serde::Serialize>(s: &T) {
    println!("== {} v{}\n{}", T::WIDGET_ID, T::VERSION, serde_json::to_string(s).unwrap());
    for m in s.measures().unwrap() {
        println!("  {} = {} {} ({})", m.id, m.value, m.unit, m.label);
    }
}
fn main() {
    show(&train_cost::TrainCostState::example());
    show(&edge::EdgeState::example());
    show(&calibration::CalibrationState::example());
    show(&memory::MemoryState::example());
    show(&grounding::GroundingState::example());
    show(&debate::DebateState::example());
    show(&sae::SaeState::example());
    show(&cot::CotState::example());
}

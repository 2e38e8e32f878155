//! Centrality of a small graph (a neighbourhood a client asked for): degree, and
//! betweenness by Brandes' algorithm (U. Brandes, "A faster algorithm for
//! betweenness centrality", J. Math. Sociol. 25(2), 2001) on the undirected,
//! unweighted graph: O(V·E) time, O(V + E) memory.

/// Each node's number of edges (a loop counts twice, parallel edges each).
pub fn degree(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut d = vec![0; n];
    for &(a, b) in edges {
        d[a] += 1;
        d[b] += 1;
    }
    d
}

/// Each node's betweenness: the sum over pairs of other nodes (s, t) of the
/// share of shortest s–t paths through it, each unordered pair counted once.
/// Parallel edges count as one link; loops are ignored.
pub fn betweenness(n: usize, edges: &[(usize, usize)]) -> Vec<f64> {
    let mut adjacent = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a != b {
            adjacent[a].push(b);
            adjacent[b].push(a);
        }
    }
    for list in &mut adjacent {
        list.sort_unstable();
        list.dedup();
    }
    let mut centrality = vec![0.0; n];
    let mut stack = Vec::with_capacity(n);
    let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut paths = vec![0.0_f64; n];
    let mut distance = vec![-1_i64; n];
    let mut dependency = vec![0.0; n];
    let mut queue = std::collections::VecDeque::with_capacity(n);
    for s in 0..n {
        stack.clear();
        for v in 0..n {
            predecessors[v].clear();
            paths[v] = 0.0;
            distance[v] = -1;
            dependency[v] = 0.0;
        }
        paths[s] = 1.0;
        distance[s] = 0;
        queue.push_back(s);
        while let Some(v) = queue.pop_front() {
            stack.push(v);
            for &w in &adjacent[v] {
                if distance[w] < 0 {
                    distance[w] = distance[v] + 1;
                    queue.push_back(w);
                }
                if distance[w] == distance[v] + 1 {
                    paths[w] += paths[v];
                    predecessors[w].push(v);
                }
            }
        }
        while let Some(w) = stack.pop() {
            for &v in &predecessors[w] {
                dependency[v] += paths[v] / paths[w] * (1.0 + dependency[w]);
            }
            if w != s {
                centrality[w] += dependency[w];
            }
        }
    }
    // Each unordered pair was counted from both of its ends.
    centrality.iter().map(|c| c / 2.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_s_middle_lies_on_every_path_that_crosses_it() {
        // 0 - 1 - 2 - 3
        let b = betweenness(4, &[(0, 1), (1, 2), (2, 3)]);
        assert_eq!(b, vec![0.0, 2.0, 2.0, 0.0]);
        assert_eq!(degree(4, &[(0, 1), (1, 2), (2, 3)]), vec![1, 2, 2, 1]);
    }

    #[test]
    fn a_stars_centre_carries_every_pair_of_leaves() {
        let edges: Vec<_> = (1..5).map(|l| (0, l)).collect();
        let b = betweenness(5, &edges);
        // C(4, 2) = 6 pairs of leaves, all through the centre.
        assert_eq!(b, vec![6.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn two_shortest_paths_share_the_credit_and_parallel_edges_count_once() {
        // A square 0-1-3 and 0-2-3: 1 and 2 each carry half of the 0–3 pair.
        let b = betweenness(4, &[(0, 1), (1, 3), (0, 2), (2, 3), (0, 1)]);
        assert_eq!(b, vec![0.5, 0.5, 0.5, 0.5]);
    }

    #[test]
    fn nodes_apart_carry_nothing() {
        assert_eq!(betweenness(3, &[(0, 1)]), vec![0.0, 0.0, 0.0]);
    }
}

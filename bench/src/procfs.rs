//! What the kernel says about the `chime serve` process: its memory, and its
//! CPU time and context switches summed over all its threads; and about the
//! machine, the CPU time its host took from it.

use std::collections::HashMap;
use std::fs;
use std::time::Duration;

use anyhow::{Context, Result};

/// Resident memory now and at its peak, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub rss: u64,
    /// VmHWM: the most the process has held since it started.
    pub peak: u64,
    /// Of `rss`, the heap and stacks (RssAnon) ...
    pub anon: u64,
    /// ... and the pages of files mapped: the binary, its libraries, and
    /// SQLite's mmap of the database (RssFile).
    pub file: u64,
}

pub fn memory(pid: u32) -> Result<Memory> {
    let status = read(&format!("/proc/{pid}/status"))?;
    // Both in kB.
    Ok(Memory {
        rss: field(&status, "VmRSS")? * 1024,
        peak: field(&status, "VmHWM")? * 1024,
        anon: field(&status, "RssAnon")? * 1024,
        file: field(&status, "RssFile")? * 1024,
    })
}

/// The process's CPU time and its threads' context switches at one moment.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    pub cpu: Duration,
    threads: HashMap<u32, Thread>,
}

#[derive(Debug, Clone, Default)]
struct Thread {
    name: String,
    cpu: Cpu,
    voluntary: u64,
    involuntary: u64,
}

/// A thread's CPU time, and how much of it the kernel spent for it (its
/// syscalls: for the writer, the log's writes, syncs and locks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cpu {
    pub total: Duration,
    pub kernel: Duration,
}

impl std::ops::Add for Cpu {
    type Output = Cpu;
    fn add(self, other: Cpu) -> Cpu {
        Cpu {
            total: self.total + other.total,
            kernel: self.kernel + other.kernel,
        }
    }
}

impl Cpu {
    fn saturating_sub(self, earlier: Cpu) -> Cpu {
        Cpu {
            total: self.total.saturating_sub(earlier.total),
            kernel: self.kernel.saturating_sub(earlier.kernel),
        }
    }
}

impl Activity {
    pub fn threads(&self) -> usize {
        self.threads.len()
    }

    /// Context switches since `earlier`, voluntary and involuntary, summed
    /// over the threads alive now (a thread born since counts from zero; one
    /// that ended since is lost, so compare [`Activity::threads`]).
    pub fn switches_since(&self, earlier: &Activity) -> (u64, u64) {
        self.per_thread_since(earlier)
            .fold((0, 0), |(v, i), (_, d)| {
                (v + d.voluntary, i + d.involuntary)
            })
    }

    /// Voluntary switches since `earlier` by thread name, most first, the
    /// threads that had none left out: which threads woke up.
    pub fn wakeups_by_thread(&self, earlier: &Activity) -> Vec<(String, u64)> {
        let per_thread = self
            .per_thread_since(earlier)
            .map(|(name, d)| (name, d.voluntary));
        by_name(per_thread)
    }

    /// CPU time since `earlier` by thread name, most first: where the time went.
    pub fn cpu_by_thread(&self, earlier: &Activity) -> Vec<(String, Cpu)> {
        by_name(
            self.per_thread_since(earlier)
                .map(|(name, d)| (name, d.cpu)),
        )
    }

    /// Each thread alive now, with what it did since `earlier`.
    fn per_thread_since<'a>(
        &'a self,
        earlier: &'a Activity,
    ) -> impl Iterator<Item = (&'a str, Thread)> {
        self.threads.iter().map(|(tid, now)| {
            let then = earlier.threads.get(tid).cloned().unwrap_or_default();
            let since = Thread {
                name: String::new(),
                cpu: now.cpu.saturating_sub(then.cpu),
                voluntary: now.voluntary.saturating_sub(then.voluntary),
                involuntary: now.involuntary.saturating_sub(then.involuntary),
            };
            (now.name.as_str(), since)
        })
    }
}

/// Totals by thread name (tokio's workers share one), largest first,
/// zeros left out.
fn by_name<'a, T>(per_thread: impl Iterator<Item = (&'a str, T)>) -> Vec<(String, T)>
where
    T: Copy + Default + Ord + std::ops::Add<Output = T>,
{
    let mut totals: HashMap<&str, T> = HashMap::new();
    for (name, value) in per_thread {
        let total = totals.entry(name).or_default();
        *total = *total + value;
    }
    let mut sorted: Vec<(String, T)> = totals
        .into_iter()
        .filter(|(_, v)| *v > T::default())
        .map(|(name, v)| (name.to_string(), v))
        .collect();
    sorted.sort_by_key(|(_, v)| std::cmp::Reverse(*v));
    sorted
}

/// The CPU time of process `pid`, all its threads together.
pub fn cpu(pid: u32) -> Result<Duration> {
    Ok(cpu_time(&read(&format!("/proc/{pid}/stat"))?)?.total)
}

pub fn activity(pid: u32) -> Result<Activity> {
    let mut threads = HashMap::new();
    let tasks = format!("/proc/{pid}/task");
    for entry in fs::read_dir(&tasks).with_context(|| format!("reading {tasks}"))? {
        let entry = entry?;
        let Ok(tid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        // A thread may end between the listing and the read.
        let Ok(status) = fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let name = status
            .lines()
            .find_map(|l| l.strip_prefix("Name:"))
            .unwrap_or("?");
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let thread = Thread {
            name: name.trim().to_string(),
            cpu: cpu_time(&stat)?,
            voluntary: field(&status, "voluntary_ctxt_switches")?,
            involuntary: field(&status, "nonvoluntary_ctxt_switches")?,
        };
        threads.insert(tid, thread);
    }
    Ok(Activity {
        cpu: cpu(pid)?,
        threads,
    })
}

/// utime + stime, and stime, from a /proc stat file: for /proc/PID/stat
/// every thread's, the ended ones too; for /proc/PID/task/TID/stat that
/// thread's.
fn cpu_time(stat: &str) -> Result<Cpu> {
    // The command name (field 2) may hold spaces and parentheses: count
    // fields from the last ')'.
    let rest = stat.rsplit_once(')').context("a /proc stat line")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, utime 14 and stime 15.
    let ticks = |n: usize| -> Result<u64> {
        fields
            .get(n - 3)
            .context("a short /proc stat line")?
            .parse()
            .context("a tick count")
    };
    let seconds = |ticks: u64| Duration::from_secs_f64(ticks as f64 / ticks_per_second());
    let (user, kernel) = (ticks(14)?, ticks(15)?);
    Ok(Cpu {
        total: seconds(user + kernel),
        kernel: seconds(kernel),
    })
}

/// The CPU time the host of this (virtual) machine has taken from its CPUs
/// since boot, all of them together: the "steal" column of /proc/stat's
/// `cpu` line, counted in ticks (10 ms).
pub fn stolen() -> Result<Duration> {
    stolen_in(&read("/proc/stat")?)
}

fn stolen_in(stat: &str) -> Result<Duration> {
    // cpu  user nice system idle iowait irq softirq steal ...
    let steal = stat
        .lines()
        .find_map(|line| line.strip_prefix("cpu "))
        .and_then(|times| times.split_whitespace().nth(7)?.parse::<u64>().ok())
        .context("no steal time on /proc/stat's cpu line")?;
    Ok(Duration::from_secs_f64(steal as f64 / ticks_per_second()))
}

fn ticks_per_second() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 {
        hz as f64
    } else {
        100.0
    }
}

fn read(path: &str) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("reading {path}"))
}

/// A `Name:   123` line of a /proc status file.
fn field(status: &str, name: &str) -> Result<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .with_context(|| format!("no {name} in a /proc status file"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_fields() {
        let status = "Name:\tchime\nVmHWM:\t  204800 kB\nVmRSS:\t   51200 kB\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n";
        assert_eq!(field(status, "VmRSS").unwrap(), 51200);
        assert_eq!(field(status, "VmHWM").unwrap(), 204800);
        assert_eq!(field(status, "voluntary_ctxt_switches").unwrap(), 12);
        assert_eq!(field(status, "nonvoluntary_ctxt_switches").unwrap(), 3);
        assert!(field(status, "VmSwap").is_err());
    }

    #[test]
    fn cpu_time_survives_a_name_with_spaces_and_parentheses() {
        let stat = "42 (tokio (rt) w) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1 2 3";
        let hz = ticks_per_second();
        let cpu = cpu_time(stat).unwrap();
        assert_eq!(cpu.total, Duration::from_secs_f64(300.0 / hz));
        assert_eq!(cpu.kernel, Duration::from_secs_f64(50.0 / hz), "stime");
    }

    #[test]
    fn reads_the_time_stolen_from_every_cpu() {
        let stat = "cpu  1036760 2 187935 1861581 34200 0 8368 275 0 0\ncpu0 497617 0 82822 977193 3905 0 3419 134 0 0\n";
        let hz = ticks_per_second();
        assert_eq!(
            stolen_in(stat).unwrap(),
            Duration::from_secs_f64(275.0 / hz)
        );
        assert!(
            stolen_in("cpu0 1 2 3 4 5 6 7 8\n").is_err(),
            "only the total's line"
        );
        assert!(stolen().is_ok(), "this machine's /proc/stat");
    }

    #[test]
    fn reads_this_process() {
        let me = std::process::id();
        assert!(memory(me).unwrap().peak > 0);
        let now = activity(me).unwrap();
        assert!(now.threads() >= 1);
        assert_eq!(now.switches_since(&now), (0, 0));
        assert!(now.wakeups_by_thread(&now).is_empty());
        assert!(now.cpu_by_thread(&now).is_empty());
    }

    /// A process's CPU time (what W1 reads of the sink) grows as it works:
    /// this test works until it has, and fails if it never does.
    #[test]
    fn a_process_cpu_time_grows_as_it_works() {
        let me = std::process::id();
        let before = cpu(me).unwrap();
        let until = std::time::Instant::now() + Duration::from_secs(10);
        let mut work = 0u64;
        while cpu(me).unwrap() <= before {
            assert!(std::time::Instant::now() < until, "no CPU time counted");
            for i in 0..100_000u64 {
                work = std::hint::black_box(work.wrapping_mul(31).wrapping_add(i));
            }
        }
    }
}

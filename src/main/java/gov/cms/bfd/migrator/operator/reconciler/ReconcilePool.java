package gov.cms.bfd.migrator.operator.reconciler;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The threads reconciles run on: at most {@code max}, a new one only when every thread is busy, and each gone after
 * {@code idle} without work. JOSDK's fixed pool keeps every thread it ever started for the process's life, and with
 * a thousand environments a thread costs about a third of a MiB: the first look at a fleet (about a second of AWS
 * each) wants all of them, an idle fleet's reconciles (tens of milliseconds of AWS each) keep a few busy; behind a
 * slow AWS (or a saturated emulator) they keep more, up to all.
 *
 * <p>The idle thread that waited least is given the next task (a stack), so under a steady trickle of work the
 * same few threads take it and the others reach their idle time and end; a queue would hand work round the threads
 * in turn and keep every one alive. Tasks that find every thread busy wait in order of arrival. One lock guards the
 * few fields; no task runs under it.
 */
public final class ReconcilePool extends AbstractExecutorService {

  private static final Logger LOG = Logger.getLogger(ReconcilePool.class);

  private final int max;
  private final long idleNanos;
  private final String namePrefix;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ended = lock.newCondition();
  private final Deque<Runnable> backlog = new ArrayDeque<>();
  private final Deque<Worker> idleWorkers = new ArrayDeque<>();
  private final List<Thread> threads = new ArrayList<>();
  private int started;
  private boolean shutdown;

  public ReconcilePool(int max, Duration idle, String namePrefix) {
    if (max < 1) {
      throw new IllegalArgumentException("a pool needs at least one thread, not " + max);
    }
    this.max = max;
    this.idleNanos = idle.toNanos();
    this.namePrefix = namePrefix;
  }

  @Override
  public void execute(Runnable task) {
    java.util.Objects.requireNonNull(task, "task");
    lock.lock();
    try {
      if (shutdown) {
        throw new RejectedExecutionException("the reconcile pool is shut down");
      }
      Worker idle = idleWorkers.pollFirst();
      if (idle != null) {
        idle.next = task;
        idle.wake.signal();
      } else if (threads.size() < max) {
        Thread thread = new Thread(new Worker(task), namePrefix + (++started));
        thread.setDaemon(false); // as JOSDK's pool: shutdown ends them, not the JVM's exit
        threads.add(thread);
        thread.start();
      } else {
        backlog.addLast(task);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Threads alive now. */
  public int threads() {
    return locked(threads::size);
  }

  /** Threads started since the pool was made, including those that ended. */
  public int threadsStarted() {
    return locked(() -> started);
  }

  /** Threads waiting for work now. */
  int idleThreads() {
    return locked(idleWorkers::size);
  }

  public int max() {
    return max;
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      shutdown = true;
      // Idle threads end now; busy ones finish their task and what waits in the backlog, then end.
      idleWorkers.forEach(w -> w.wake.signal());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    lock.lock();
    try {
      shutdown();
      List<Runnable> never = new ArrayList<>(backlog);
      backlog.clear();
      threads.forEach(Thread::interrupt);
      return never;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isShutdown() {
    return locked(() -> shutdown);
  }

  @Override
  public boolean isTerminated() {
    return locked(() -> shutdown && threads.isEmpty());
  }

  private <T> T locked(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long left = unit.toNanos(timeout);
    lock.lock();
    try {
      while (!(shutdown && threads.isEmpty())) {
        if (left <= 0) {
          return false;
        }
        left = ended.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** One thread: its first task, then the backlog, then whatever it is handed while idle, until idle too long. */
  private final class Worker implements Runnable {
    private final Condition wake = lock.newCondition();
    private Runnable next;

    Worker(Runnable first) {
      this.next = first;
    }

    @Override
    public void run() {
      try {
        Runnable task;
        while ((task = take()) != null) {
          try {
            task.run();
          } catch (RuntimeException e) {
            // JOSDK's tasks catch what a reconcile throws; anything else must not cost the pool a thread.
            LOG.errorf(e, "a task of the reconcile pool failed");
          }
        }
      } finally {
        lock.lock();
        try {
          idleWorkers.remove(this);
          threads.remove(Thread.currentThread());
          ended.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }

    /** The next task, or null when this thread should end (idle too long, or the pool shut down and drained). */
    private Runnable take() {
      lock.lock();
      try {
        if (next != null) {
          Runnable task = next;
          next = null;
          return task;
        }
        Runnable queued = backlog.pollFirst();
        if (queued != null) {
          return queued;
        }
        if (shutdown) {
          return null;
        }
        idleWorkers.addFirst(this);
        long left = idleNanos;
        while (next == null && !shutdown && left > 0) {
          try {
            left = wake.awaitNanos(left);
          } catch (InterruptedException e) {
            // shutdownNow: end without taking more work
            idleWorkers.remove(this);
            return null;
          }
        }
        idleWorkers.remove(this);
        Runnable task = next;
        next = null;
        return task;
      } finally {
        lock.unlock();
      }
    }
  }
}

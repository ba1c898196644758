import Dispatch
import Foundation

/// Keeps `workers.count` threads busy over the blocks of one line-oriented input:
/// `workers.count − 1` worker threads and the collecting thread (the caller of
/// `nextResult`), which sketches with `workers[0]` whenever the next result in input
/// order is not ready.
///
/// Blocks live in a ring of `capacity` slots, each taken in turn by a thread that
/// reads it (fill), a thread that sketches it, and the collector (append in input
/// order, then release). A thread that finds no block waiting reads the next one
/// itself, one thread at a time, and then usually sketches it while its text is in
/// its cache. No thread only reads or only collects: on two cores, a separate
/// reader and collector thread would preempt the workers hundreds of times per
/// 100,000 documents, each time evicting a worker's caches. Reading runs at
/// most `capacity` blocks ahead of collecting, so memory stays bounded whatever the
/// input size.
///
/// - Invariant: a slot is touched by one thread at a time, as its state says; all
///   state changes happen under `condition`; blocks are read one at a time, in
///   input order. Slots and workers are objects in arrays that never change, so that
///   threads working on different slots never access one array at the same time (a
///   mutation through a shared array could copy it, losing another thread's write).
final class BlockPipeline: @unchecked Sendable {
  private enum SlotState { case empty, read, sketching, sketched }

  /// One slot of the ring: a block of lines and its sketched result.
  private final class Slot {
    var block = LineBlock()
    var result = SketchedBlock()
    var state = SlotState.empty
  }

  /// A worker's sketcher, used by one thread.
  private final class Worker {
    var sketcher: BlockSketcher
    init(_ sketcher: BlockSketcher) { self.sketcher = sketcher }
  }

  private let reader: CorpusReader
  private let input: Int
  private let blockSize: Int
  private let workers: [Worker]
  private let capacity: Int
  private let slots: [Slot]
  private let condition = NSCondition()
  private var readCount = 0
  private var sketchCount = 0
  private var collectCount = 0
  private var reading = false
  private var readingDone = false
  private var stopping = false
  private var readError: CorpusError?
  private let threadsDone = DispatchGroup()
  /// Seconds spent reading, summed over the threads that read.
  private(set) var readSeconds = 0.0

  /// A pipeline over the current input of `reader`.
  /// - Precondition: `workers` is not empty; `workers[0]` serves the collecting thread.
  init(reader: CorpusReader, blockSize: Int, workers: [BlockSketcher]) {
    self.reader = reader
    input = reader.currentInputIndex
    self.blockSize = blockSize
    self.workers = workers.map(Worker.init)
    // One thread needs no block ahead: it reads, sketches and collects each in turn.
    capacity = workers.count == 1 ? 1 : 4 * workers.count
    slots = (0..<capacity).map { _ in Slot() }
  }

  /// Starts the worker threads.
  func start() {
    for worker in workers.indices.dropFirst() {
      threadsDone.enter()
      Thread { self.workLoop(worker) }.start()
    }
  }

  /// Stops the threads (also after an error) and waits for them.
  func finish() {
    condition.lock()
    stopping = true
    condition.broadcast()
    condition.unlock()
    threadsDone.wait()
  }

  /// Whether the calling thread may read the next block: nobody is reading, the
  /// input is not exhausted, and the ring has an empty slot. Called under `condition`.
  private var mayRead: Bool { !reading && !readingDone && readCount - collectCount < capacity }

  /// Reads the next block into its slot. Called under `condition` when `mayRead`;
  /// releases it while reading and holds it again on return.
  private func readNext() {
    reading = true
    // The slot is empty: nobody else touches it until it is marked read.
    let slot = readCount % capacity
    condition.unlock()
    var clock = Stopwatch()
    let outcome = Result { () throws(CorpusError) -> Bool in
      guard reader.currentInputIndex == input else { return false }
      return try reader.readBlock(into: &slots[slot].block, targetSize: blockSize)
    }
    let seconds = clock.lap()
    condition.lock()
    readSeconds += seconds
    reading = false
    switch outcome {
    case .success(true):
      slots[slot].state = .read
      readCount += 1
    case .success(false):
      readingDone = true
    case .failure(let error):
      readError = error
      readingDone = true
    }
    condition.broadcast()
  }

  /// Sketches the oldest block read and not yet taken, with `workers[worker]`.
  /// Called under `condition` when `sketchCount < readCount`; releases it while
  /// sketching and holds it again on return.
  private func sketchNext(_ worker: Int) {
    let slot = sketchCount % capacity
    sketchCount += 1
    slots[slot].state = .sketching
    condition.unlock()
    workers[worker].sketcher.sketch(slots[slot].block, into: &slots[slot].result)
    condition.lock()
    slots[slot].state = .sketched
    condition.broadcast()
  }

  private func workLoop(_ worker: Int) {
    defer { threadsDone.leave() }
    condition.lock()
    defer { condition.unlock() }
    while !stopping {
      if sketchCount < readCount {
        sketchNext(worker)
      } else if mayRead {
        readNext()
      } else if readingDone {
        return
      } else {
        condition.wait()
      }
    }
  }

  /// The next block's result in input order; until it is ready, the calling thread
  /// sketches or reads blocks itself, or waits. Nil when the input is exhausted, or
  /// after `stopReading` once every block read is handed out.
  /// - Throws: the reading error, once every block before it is collected.
  func nextResult() throws(CorpusError) -> (SketchedBlock, LineBlock)? {
    condition.lock()
    defer { condition.unlock() }
    let slot = collectCount % capacity
    while true {
      if collectCount < readCount && slots[slot].state == .sketched { return (slots[slot].result, slots[slot].block) }
      if collectCount == readCount && readingDone && !reading {
        if let readError { throw readError }
        return nil
      }
      if sketchCount < readCount {
        sketchNext(0)
      } else if mayRead {
        readNext()
      } else {
        condition.wait()
      }
    }
  }

  /// Reads no further block: the blocks read or being read are still sketched and
  /// handed out, then `nextResult` returns nil, leaving the reader where the last
  /// of them ends.
  func stopReading() {
    condition.lock()
    readingDone = true
    condition.broadcast()
    condition.unlock()
  }

  /// Hands the slot of the last result back for reading.
  func release() {
    condition.lock()
    slots[collectCount % capacity].state = .empty
    collectCount += 1
    condition.broadcast()
    condition.unlock()
  }
}

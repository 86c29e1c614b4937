package pl.krakow.pulse.runtime.transactions;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * Writes the COMMIT marker that a transaction coordinator decided on but never delivered to a partition — the one
 * repair Kafka's Admin API lacks ({@code Admin.abortTransaction} writes only ABORT markers, through the same
 * {@code WriteTxnMarkers} request this class sends).
 *
 * <p>Why it exists: after a kill -9 of the single-node embedded broker, a transaction whose commit was under way
 * (PrepareCommit) has its COMMIT markers resent as soon as the coordinator loads, while the broker's other partitions
 * have no leader endpoint yet; the marker sender skips them as "likely deleted" and completes the commit
 * (CompleteCommit). Those partitions — {@code __consumer_offsets} among them — keep the transaction open forever,
 * and a Streams application that needs the committed offsets waits in REBALANCING for good (issue 15). Aborting there
 * would split a committed transaction; committing completes what the coordinator decided.
 *
 * <p>Contract: one blocking request to one broker (the partition's leader — for the embedded broker, the only one),
 * PLAINTEXT without authentication; {@code WriteTxnMarkers} is an inter-broker request that needs ClusterAction,
 * which an embedded broker (no authorizer) grants. Used only against the embedded broker, never on a real cluster,
 * where an operator decides. The marker carries the coordinator's epoch and producer epoch as the coordinator itself
 * would have sent them. Not thread-safe; one instance per sweep.
 */
final class CommitMarkerWriter {

    private static final AtomicInteger CORRELATION = new AtomicInteger();

    private final InetSocketAddress broker;
    private final Duration timeout;

    CommitMarkerWriter(InetSocketAddress broker, Duration timeout) {
        this.broker = broker;
        this.timeout = timeout;
    }

    /**
     * Writes a COMMIT marker for {@code producerId}/{@code producerEpoch} on {@code partition}.
     *
     * @param transactionVersion 2 when the coordinator ran the transaction under transaction version 2 (KIP-890: the
     *                           marker's epoch is the bumped one), else 0
     * @throws IOException on a connection failure or an error answer, with the broker's error in the message
     */
    void commit(TopicPartition partition, long producerId, short producerEpoch, int coordinatorEpoch, short transactionVersion)
            throws IOException {
        WriteTxnMarkersRequest.TxnMarkerEntry marker = new WriteTxnMarkersRequest.TxnMarkerEntry(producerId, producerEpoch,
                coordinatorEpoch, TransactionResult.COMMIT, List.of(partition), transactionVersion);
        short version = ApiKeys.WRITE_TXN_MARKERS.latestVersion();
        WriteTxnMarkersRequest request = new WriteTxnMarkersRequest.Builder(List.of(marker)).build(version);
        RequestHeader header = new RequestHeader(ApiKeys.WRITE_TXN_MARKERS, version, "pulse-commit-marker",
                CORRELATION.incrementAndGet());
        ByteBuffer payload = request.serializeWithHeader(header);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(broker, millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            byte[] body = new byte[payload.remaining()];
            payload.get(body);
            out.write(ByteBuffer.allocate(4).putInt(body.length).array());
            out.write(body);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] response = new byte[in.readInt()];
            in.readFully(response);
            WriteTxnMarkersResponse answer = (WriteTxnMarkersResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
            for (WriteTxnMarkersResponseData.WritableTxnMarkerResult result : answer.data().markers()) {
                for (WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topic : result.topics()) {
                    for (WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult p : topic.partitions()) {
                        Errors error = Errors.forCode(p.errorCode());
                        if (error != Errors.NONE) {
                            throw new IOException("the broker refused the COMMIT marker on " + topic.name() + "-"
                                    + p.partitionIndex() + ": " + error);
                        }
                    }
                }
            }
        }
    }
}

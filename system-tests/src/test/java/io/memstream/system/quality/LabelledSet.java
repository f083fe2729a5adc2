package io.memstream.system.quality;

import io.memstream.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * The labelled set as tests read it from {@code search-quality/labelled-set.json} (which
 * {@link LabelledSetGenerator} writes): conversations between two people, each one Memstream user,
 * and questions labelled with the turns that answer them.
 */
public record LabelledSet(List<Conversation> conversations) {

    /** A pair of people; {@code user} is the speaker whose Memstream user the conversation is. */
    public record Conversation(
            String id, String split, String user, String other, List<Session> sessions, List<Question> questions) {

        public Stream<Turn> turns() {
            return sessions.stream().flatMap(s -> s.turns().stream());
        }
    }

    public record Session(String id, Instant date, List<Turn> turns) {}

    public record Turn(String id, String speaker, String role, Instant createdAt, String text) {

        /** The message content, as the held-out benchmark loads it. */
        public String content() {
            return speaker + ": " + text;
        }
    }

    /**
     * @param answeredByFact the fact key the offline extractor learns from an evidence turn, or null
     */
    public record Question(
            String id,
            String kind,
            String question,
            String answer,
            List<String> evidence,
            List<String> traits,
            String answeredByFact) {}

    public static LabelledSet load() {
        try (InputStream in = LabelledSet.class.getResourceAsStream("/search-quality/labelled-set.json")) {
            return Json.MAPPER.readValue(in, LabelledSet.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Only the conversations of these splits. */
    public LabelledSet only(Collection<String> splits) {
        return new LabelledSet(
                conversations.stream().filter(c -> splits.contains(c.split())).toList());
    }

    public Stream<Question> questions() {
        return conversations.stream().flatMap(c -> c.questions().stream());
    }

    public long turnCount() {
        return conversations.stream().flatMap(Conversation::turns).count();
    }
}

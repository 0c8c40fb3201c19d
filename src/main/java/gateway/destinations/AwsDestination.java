package gateway.destinations;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import gateway.callers.EndpointType;

/**
 * An AWS endpoint's destination as the callers file names it, read: an SQS queue URL, an SNS topic ARN, or an
 * EventBridge bus name or ARN; the region its calls go to (the one in the URL or ARN; the gateway's own for a bus
 * given by name, or a queue URL of an SQS-compatible server such as ElasticMQ or LocalStack); whether it is FIFO.
 *
 * <p>The region is only ever taken from the shapes AWS uses ({@code sqs.<region>.amazonaws.com},
 * {@code <region>.queue.amazonaws.com}, {@code arn:<partition>:<service>:<region>:…}) and must look like a region
 * ({@code eu-west-1}), so a destination can never point the gateway's AWS calls at another host: the client of that
 * region talks to that region's AWS endpoint (or to the configured override), never to the URL's host.
 */
public record AwsDestination(EndpointType type, String destination, String region, String name, boolean fifo) {

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    // https://sqs.eu-west-1.amazonaws.com/123456789012/answers, https://eu-west-1.queue.amazonaws.com/…, .com.cn
    private static final Pattern SQS_HOST = Pattern.compile("(?:sqs\\.([a-z0-9-]+)|([a-z0-9-]+)\\.queue)\\.amazonaws\\.com(?:\\.cn)?");
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}(\\.fifo)?");
    // arn:aws:sns:eu-west-1:123456789012:answers(.fifo)
    private static final Pattern SNS_ARN = Pattern.compile("arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\\d{12}):([A-Za-z0-9_-]{1,256}(\\.fifo)?)");
    // arn:aws:events:eu-west-1:123456789012:event-bus/answers
    private static final Pattern BUS_ARN = Pattern.compile("arn:(aws[a-z-]*):events:([a-z0-9-]+):(\\d{12}):event-bus/([A-Za-z0-9._/-]{1,256})");
    private static final Pattern BUS_NAME = Pattern.compile("[A-Za-z0-9._/-]{1,256}");

    /**
     * The destination {@code text} of an endpoint of {@code type} (SQS, SNS or EventBridge), its region defaulting to
     * {@code gatewayRegion}. Throws {@link IllegalArgumentException} saying what is wrong, without the text itself (a
     * URL's path or an ARN's account is not for a log).
     */
    public static AwsDestination of(EndpointType type, String text, String gatewayRegion) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an " + type.wireName() + " endpoint needs its destination");
        }
        String destination = text.strip();
        return switch (type) {
            case SQS -> queue(destination, gatewayRegion);
            case SNS -> topic(destination);
            case EVENTBRIDGE -> bus(destination, gatewayRegion);
            default -> throw new IllegalArgumentException("not an AWS endpoint type: " + type.wireName());
        };
    }

    /** Why {@code text} is not a destination of {@code type}; empty when it is one. */
    public static Optional<String> problem(EndpointType type, String text) {
        try {
            of(type, text, "us-east-1");
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static AwsDestination queue(String url, String gatewayRegion) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new IllegalArgumentException("an sqs endpoint's queue URL is not a URL");
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("an sqs endpoint's queue URL must be http(s)://host/<account>/<queue name>");
        }
        String[] path = uri.getRawPath() == null ? new String[0] : uri.getRawPath().split("/");
        // "", account, name
        if (path.length != 3 || path[1].isEmpty() || !QUEUE_NAME.matcher(path[2]).matches()) {
            throw new IllegalArgumentException("an sqs endpoint's queue URL must end in /<account>/<queue name>");
        }
        String region = gatewayRegion;
        Matcher host = SQS_HOST.matcher(uri.getHost());
        if (host.matches()) {
            String named = host.group(1) != null ? host.group(1) : host.group(2);
            // queue.amazonaws.com: us-east-1's legacy host
            region = checkedRegion(named, "an sqs endpoint's queue URL");
            if (!"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("an sqs endpoint's AWS queue URL must be https");
            }
        } else if ("queue.amazonaws.com".equals(uri.getHost())) {
            region = "us-east-1";
        } else if (uri.getHost().endsWith("amazonaws.com") || uri.getHost().endsWith("amazonaws.com.cn")) {
            throw new IllegalArgumentException("an sqs endpoint's queue URL is not an SQS queue URL of AWS");
        }
        return new AwsDestination(EndpointType.SQS, url, region, path[2], path[2].endsWith(".fifo"));
    }

    private static AwsDestination topic(String arn) {
        Matcher m = SNS_ARN.matcher(arn);
        if (!m.matches()) {
            throw new IllegalArgumentException("an sns endpoint's destination must be a topic ARN (arn:aws:sns:<region>:<account>:<topic>)");
        }
        String region = checkedRegion(m.group(2), "an sns endpoint's topic ARN");
        return new AwsDestination(EndpointType.SNS, arn, region, m.group(4), m.group(5) != null);
    }

    private static AwsDestination bus(String text, String gatewayRegion) {
        if (text.startsWith("arn:")) {
            Matcher m = BUS_ARN.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "an eventbridge endpoint's bus ARN must be arn:aws:events:<region>:<account>:event-bus/<name>");
            }
            return new AwsDestination(EndpointType.EVENTBRIDGE, text, checkedRegion(m.group(2), "an eventbridge endpoint's bus ARN"),
                    m.group(4), false);
        }
        if (!BUS_NAME.matcher(text).matches()) {
            throw new IllegalArgumentException("an eventbridge endpoint's bus name may hold letters, digits and . _ / - only");
        }
        return new AwsDestination(EndpointType.EVENTBRIDGE, text, gatewayRegion, text, false);
    }

    private static String checkedRegion(String region, String what) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException(what + " names no AWS region");
        }
        return region;
    }
}
